// node_modules/@bufbuild/protobuf/dist/esm/wire/varint.js
function varint64read() {
  const buf = this.buf;
  let pos = this.pos;
  let lo = 0;
  let hi = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    const b = buf[pos++];
    lo |= (b & 127) << shift;
    if ((b & 128) == 0) {
      this.pos = pos;
      this.assertBounds();
      this.varint64Lo = lo;
      this.varint64Hi = hi;
      return;
    }
  }
  const middleByte = buf[pos++];
  lo |= (middleByte & 15) << 28;
  hi = (middleByte & 112) >> 4;
  if ((middleByte & 128) == 0) {
    this.pos = pos;
    this.assertBounds();
    this.varint64Lo = lo;
    this.varint64Hi = hi;
    return;
  }
  for (let shift = 3; shift <= 31; shift += 7) {
    const b = buf[pos++];
    hi |= (b & 127) << shift;
    if ((b & 128) == 0) {
      this.pos = pos;
      this.assertBounds();
      this.varint64Lo = lo;
      this.varint64Hi = hi;
      return;
    }
  }
  throw new Error("invalid varint");
}
var TWO_PWR_32_DBL = 4294967296;
function int64FromString(dec) {
  const minus = dec[0] === "-";
  if (minus) {
    dec = dec.slice(1);
  }
  const base = 1e6;
  let lowBits = 0;
  let highBits = 0;
  function add1e6digit(begin, end) {
    const digit1e6 = Number(dec.slice(begin, end));
    highBits *= base;
    lowBits = lowBits * base + digit1e6;
    if (lowBits >= TWO_PWR_32_DBL) {
      highBits = highBits + (lowBits / TWO_PWR_32_DBL | 0);
      lowBits = lowBits % TWO_PWR_32_DBL;
    }
  }
  add1e6digit(-24, -18);
  add1e6digit(-18, -12);
  add1e6digit(-12, -6);
  add1e6digit(-6);
  return minus ? negate(lowBits, highBits) : newBits(lowBits, highBits);
}
function int64ToString(lo, hi) {
  let bits = newBits(lo, hi);
  const negative = bits.hi & 2147483648;
  if (negative) {
    bits = negate(bits.lo, bits.hi);
  }
  const result = uInt64ToString(bits.lo, bits.hi);
  return negative ? "-" + result : result;
}
function uInt64ToString(lo, hi) {
  ({ lo, hi } = toUnsigned(lo, hi));
  if (hi <= 2097151) {
    return String(TWO_PWR_32_DBL * hi + lo);
  }
  const low = lo & 16777215;
  const mid = (lo >>> 24 | hi << 8) & 16777215;
  const high = hi >> 16 & 65535;
  let digitA = low + mid * 6777216 + high * 6710656;
  let digitB = mid + high * 8147497;
  let digitC = high * 2;
  const base = 1e7;
  if (digitA >= base) {
    digitB += Math.floor(digitA / base);
    digitA %= base;
  }
  if (digitB >= base) {
    digitC += Math.floor(digitB / base);
    digitB %= base;
  }
  return digitC.toString() + decimalFrom1e7WithLeadingZeros(digitB) + decimalFrom1e7WithLeadingZeros(digitA);
}
function toUnsigned(lo, hi) {
  return { lo: lo >>> 0, hi: hi >>> 0 };
}
function newBits(lo, hi) {
  return { lo: lo | 0, hi: hi | 0 };
}
function negate(lowBits, highBits) {
  highBits = ~highBits;
  if (lowBits) {
    lowBits = ~lowBits + 1;
  } else {
    highBits += 1;
  }
  return newBits(lowBits, highBits);
}
var decimalFrom1e7WithLeadingZeros = (digit1e7) => {
  const partial = String(digit1e7);
  return "0000000".slice(partial.length) + partial;
};
function varint32read() {
  let b = this.buf[this.pos++];
  if ((b & 128) === 0) {
    this.assertBounds();
    return b;
  }
  let result = b & 127;
  b = this.buf[this.pos++];
  result |= (b & 127) << 7;
  if ((b & 128) === 0) {
    this.assertBounds();
    return result;
  }
  b = this.buf[this.pos++];
  result |= (b & 127) << 14;
  if ((b & 128) === 0) {
    this.assertBounds();
    return result;
  }
  b = this.buf[this.pos++];
  result |= (b & 127) << 21;
  if ((b & 128) === 0) {
    this.assertBounds();
    return result;
  }
  b = this.buf[this.pos++];
  result |= (b & 15) << 28;
  for (let readBytes = 5; (b & 128) !== 0 && readBytes < 10; readBytes++)
    b = this.buf[this.pos++];
  if ((b & 128) !== 0)
    throw new Error("invalid varint");
  this.assertBounds();
  return result >>> 0;
}

// node_modules/@bufbuild/protobuf/dist/esm/proto-int64.js
var protoInt64 = /* @__PURE__ */ makeInt64Support();
function makeInt64Support() {
  const dv = new DataView(new ArrayBuffer(8));
  const ok = typeof BigInt === "function" && typeof dv.getBigInt64 === "function" && typeof dv.getBigUint64 === "function" && typeof dv.setBigInt64 === "function" && typeof dv.setBigUint64 === "function" && (!!globalThis.Deno || !!globalThis.Bun || typeof process != "object" || typeof process.env != "object" || process.env.BUF_BIGINT_DISABLE !== "1");
  if (ok) {
    const MIN = BigInt("-9223372036854775808");
    const MAX = BigInt("9223372036854775807");
    const UMIN = BigInt("0");
    const UMAX = BigInt("18446744073709551615");
    return {
      zero: BigInt(0),
      supported: true,
      parse(value) {
        const bi = typeof value == "bigint" ? value : BigInt(value);
        if (bi > MAX || bi < MIN) {
          throw new Error(`invalid int64: ${value}`);
        }
        return bi;
      },
      uParse(value) {
        const bi = typeof value == "bigint" ? value : BigInt(value);
        if (bi > UMAX || bi < UMIN) {
          throw new Error(`invalid uint64: ${value}`);
        }
        return bi;
      },
      enc(value) {
        dv.setBigInt64(0, this.parse(value), true);
        return {
          lo: dv.getInt32(0, true),
          hi: dv.getInt32(4, true)
        };
      },
      uEnc(value) {
        dv.setBigInt64(0, this.uParse(value), true);
        return {
          lo: dv.getInt32(0, true),
          hi: dv.getInt32(4, true)
        };
      },
      dec(lo, hi) {
        dv.setInt32(0, lo, true);
        dv.setInt32(4, hi, true);
        return dv.getBigInt64(0, true);
      },
      uDec(lo, hi) {
        dv.setInt32(0, lo, true);
        dv.setInt32(4, hi, true);
        return dv.getBigUint64(0, true);
      }
    };
  }
  return {
    zero: "0",
    supported: false,
    parse(value) {
      if (typeof value != "string") {
        value = value.toString();
      }
      assertInt64String(value);
      return value;
    },
    uParse(value) {
      if (typeof value != "string") {
        value = value.toString();
      }
      assertUInt64String(value);
      return value;
    },
    enc(value) {
      if (typeof value != "string") {
        value = value.toString();
      }
      assertInt64String(value);
      return int64FromString(value);
    },
    uEnc(value) {
      if (typeof value != "string") {
        value = value.toString();
      }
      assertUInt64String(value);
      return int64FromString(value);
    },
    dec(lo, hi) {
      return int64ToString(lo, hi);
    },
    uDec(lo, hi) {
      return uInt64ToString(lo, hi);
    }
  };
}
function assertInt64String(value) {
  if (!/^-?[0-9]+$/.test(value)) {
    throw new Error("invalid int64: " + value);
  }
}
function assertUInt64String(value) {
  if (!/^[0-9]+$/.test(value)) {
    throw new Error("invalid uint64: " + value);
  }
}

// node_modules/@bufbuild/protobuf/dist/esm/wire/text-encoding.js
var te;
function configureTextEncoding(textEncoding) {
  var _a;
  te = Object.assign(Object.assign({}, textEncoding), { encodeUtf8Into: (_a = textEncoding.encodeUtf8Into) !== null && _a !== void 0 ? _a : emulateEncodeInto(textEncoding.encodeUtf8.bind(textEncoding)) });
}
function getTextEncoding() {
  if (!te) {
    const globals = globalThis;
    if (!globals.TextEncoder || !globals.TextDecoder) {
      throw new Error("encoding API missing: install TextEncoder and TextDecoder on globalThis");
    }
    const textEncoder = new globals.TextEncoder();
    const textDecoder = new globals.TextDecoder("utf-8", {
      ignoreBOM: true
    });
    let textDecoderStrict;
    const config = {
      encodeUtf8(text) {
        return textEncoder.encode(text);
      },
      decodeUtf8(bytes, strict) {
        if (strict) {
          if (!textDecoderStrict) {
            textDecoderStrict = new globals.TextDecoder("utf-8", {
              fatal: true,
              ignoreBOM: true
            });
          }
          return textDecoderStrict.decode(bytes);
        }
        return textDecoder.decode(bytes);
      },
      checkUtf8(text) {
        try {
          encodeURIComponent(text);
          return true;
        } catch (_) {
          return false;
        }
      }
    };
    if (textEncoder.encodeInto) {
      config.encodeUtf8Into = textEncoder.encodeInto.bind(textEncoder);
    }
    const nativeStringIsWellFormed = String.prototype.isWellFormed;
    if (nativeStringIsWellFormed) {
      config.checkUtf8 = (text) => {
        return nativeStringIsWellFormed.call(text);
      };
    }
    configureTextEncoding(config);
  }
  return te;
}
function emulateEncodeInto(encodeUtf8) {
  return (text, dest) => {
    const bytes = encodeUtf8(text);
    dest.set(bytes);
    return { written: bytes.byteLength };
  };
}

// node_modules/@bufbuild/protobuf/dist/esm/wire/binary-encoding.js
var WireType;
(function(WireType2) {
  WireType2[WireType2["Varint"] = 0] = "Varint";
  WireType2[WireType2["Bit64"] = 1] = "Bit64";
  WireType2[WireType2["LengthDelimited"] = 2] = "LengthDelimited";
  WireType2[WireType2["StartGroup"] = 3] = "StartGroup";
  WireType2[WireType2["EndGroup"] = 4] = "EndGroup";
  WireType2[WireType2["Bit32"] = 5] = "Bit32";
})(WireType || (WireType = {}));
var UINT32_MAX = 4294967295;
var INT32_MAX = 2147483647;
var INT32_MIN = -2147483648;
var BinaryWriter = class {
  constructor(encodeUtf8) {
    this.stackPos = [];
    this.encodeUtf8Into = encodeUtf8 ? emulateEncodeInto(encodeUtf8) : getTextEncoding().encodeUtf8Into;
    this.buffer = EMPTY_BUFFER;
    this.viewCache = EMPTY_VIEW;
    this.pos = 0;
  }
  ensureCapacity(size) {
    const required = this.pos + size;
    if (required > this.buffer.length) {
      let newLen = this.buffer.length || INITIAL_SIZE;
      while (newLen < required)
        newLen *= 2;
      const newBuf = new Uint8Array(newLen);
      if (this.pos > 0)
        newBuf.set(this.buffer);
      this.buffer = newBuf;
    }
  }
  /**
   * The DataView over `buffer`, rebuilt only if the buffer has grown since it
   * was last used.
   */
  view() {
    const bytes = this.buffer;
    const view = this.viewCache;
    if (view.byteLength === bytes.byteLength)
      return view;
    const newView = new DataView(bytes.buffer);
    this.viewCache = newView;
    return newView;
  }
  /**
   * Return all bytes written and reset this writer.
   */
  finish() {
    const result = this.buffer.slice(0, this.pos);
    this.pos = 0;
    this.stackPos = [];
    return result;
  }
  /**
   * Start a new fork for length-delimited data like a message
   * or a packed repeated field.
   *
   * Must be joined later with `join()`.
   */
  fork() {
    this.stackPos.push(this.pos);
    this.ensureCapacity(DEFAULT_LEN_PREFIX_SIZE);
    this.buffer[this.pos++] = 0;
    return this;
  }
  /**
   * Join the last fork. Write its length and bytes, then
   * return to the previous state.
   */
  join() {
    const forkPos = this.stackPos.pop();
    if (forkPos === void 0)
      throw new Error("invalid state, fork stack empty");
    const len = this.pos - forkPos - DEFAULT_LEN_PREFIX_SIZE;
    const lenPrefixSize = varint32Size(len);
    if (lenPrefixSize > DEFAULT_LEN_PREFIX_SIZE) {
      this.ensureCapacity(lenPrefixSize - DEFAULT_LEN_PREFIX_SIZE);
      this.buffer.copyWithin(forkPos + lenPrefixSize, forkPos + DEFAULT_LEN_PREFIX_SIZE, this.pos);
    }
    this.pos = forkPos;
    this.uint32(len);
    this.pos += len;
    return this;
  }
  /**
   * Writes a tag (field number and wire type).
   *
   * Equivalent to `uint32( (fieldNo << 3 | type) >>> 0 )`.
   *
   * Generated code should compute the tag ahead of time and call `uint32()`.
   */
  tag(fieldNo, type) {
    return this.uint32((fieldNo << 3 | type) >>> 0);
  }
  /**
   * Write a chunk of raw bytes.
   */
  raw(chunk) {
    this.ensureCapacity(chunk.length);
    this.buffer.set(chunk, this.pos);
    this.pos += chunk.length;
    return this;
  }
  /**
   * Write a `uint32` value, an unsigned 32 bit varint.
   */
  uint32(value) {
    assertUInt32(value);
    this.ensureCapacity(5);
    if (value < 128) {
      this.buffer[this.pos++] = value;
      return this;
    }
    while (value > 127) {
      this.buffer[this.pos++] = value & 127 | 128;
      value >>>= 7;
    }
    this.buffer[this.pos++] = value;
    return this;
  }
  /**
   * Write a `int32` value, a signed 32 bit varint.
   */
  int32(value) {
    assertInt32(value);
    if (value >= 0) {
      return this.uint32(value);
    }
    this.ensureCapacity(10);
    for (let i = 0; i < 9; i++) {
      this.buffer[this.pos++] = value & 127 | 128;
      value >>= 7;
    }
    this.buffer[this.pos++] = 1;
    return this;
  }
  /**
   * Write a `bool` value, a varint.
   */
  bool(value) {
    this.ensureCapacity(1);
    this.buffer[this.pos++] = value ? 1 : 0;
    return this;
  }
  /**
   * Write a `bytes` value, length-delimited arbitrary data.
   */
  bytes(value) {
    this.uint32(value.byteLength);
    return this.raw(value);
  }
  /**
   * Write a `string` value, length-delimited data converted to UTF-8 text.
   */
  string(value) {
    if (typeof value !== "string") {
      value = String(value);
    }
    const len = value.length;
    if (len <= ASCII_MAX_LENGTH) {
      this.ensureCapacity(len + 1);
      const ascii2 = this.buffer;
      let pos = this.pos;
      ascii2[pos++] = len;
      let i = 0;
      for (; i < len; i++) {
        const code = value.charCodeAt(i);
        if (code > 127)
          break;
        ascii2[pos++] = code;
      }
      if (i == len) {
        this.pos = pos;
        return this;
      }
    }
    this.ensureCapacity(len * 3 + 5);
    const lenPrefixSizeGuess = varint32Size(len);
    const buf = this.buffer;
    const start = this.pos;
    const { written } = this.encodeUtf8Into(value, buf.subarray(start + lenPrefixSizeGuess));
    const lenPrefixSize = varint32Size(written);
    if (lenPrefixSize != lenPrefixSizeGuess) {
      buf.copyWithin(start + lenPrefixSize, start + lenPrefixSizeGuess, start + lenPrefixSizeGuess + written);
    }
    this.uint32(written);
    this.pos += written;
    return this;
  }
  /**
   * Write a `float` value, 32-bit floating point number.
   */
  float(value) {
    assertFloat32(value);
    this.ensureCapacity(4);
    this.view().setFloat32(this.pos, value, true);
    this.pos += 4;
    return this;
  }
  /**
   * Write a `double` value, a 64-bit floating point number.
   */
  double(value) {
    this.ensureCapacity(8);
    this.view().setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }
  /**
   * Write a `fixed32` value, an unsigned, fixed-length 32-bit integer.
   */
  fixed32(value) {
    assertUInt32(value);
    this.ensureCapacity(4);
    this.view().setUint32(this.pos, value, true);
    this.pos += 4;
    return this;
  }
  /**
   * Write a `sfixed32` value, a signed, fixed-length 32-bit integer.
   */
  sfixed32(value) {
    assertInt32(value);
    this.ensureCapacity(4);
    this.view().setInt32(this.pos, value, true);
    this.pos += 4;
    return this;
  }
  /**
   * Write a `sint32` value, a signed, zigzag-encoded 32-bit varint.
   */
  sint32(value) {
    assertInt32(value);
    return this.uint32((value << 1 ^ value >> 31) >>> 0);
  }
  /**
   * Write a `sfixed64` value, a signed, fixed-length 64-bit integer.
   */
  sfixed64(value) {
    const tc = protoInt64.enc(value);
    this.ensureCapacity(8);
    const view = this.view();
    view.setInt32(this.pos, tc.lo, true);
    view.setInt32(this.pos + 4, tc.hi, true);
    this.pos += 8;
    return this;
  }
  /**
   * Write a `fixed64` value, an unsigned, fixed-length 64 bit integer.
   */
  fixed64(value) {
    const tc = protoInt64.uEnc(value);
    this.ensureCapacity(8);
    const view = this.view();
    view.setInt32(this.pos, tc.lo, true);
    view.setInt32(this.pos + 4, tc.hi, true);
    this.pos += 8;
    return this;
  }
  /**
   * Write a `int64` value, a signed 64-bit varint.
   */
  int64(value) {
    const tc = protoInt64.enc(value);
    return this.writeVarint64(tc.lo, tc.hi);
  }
  /**
   * Write a `sint64` value, a signed, zig-zag-encoded 64-bit varint.
   */
  sint64(value) {
    const tc = protoInt64.enc(value), sign = tc.hi >> 31, lo = tc.lo << 1 ^ sign, hi = (tc.hi << 1 | tc.lo >>> 31) ^ sign;
    return this.writeVarint64(lo, hi);
  }
  /**
   * Write a `uint64` value, an unsigned 64-bit varint.
   */
  uint64(value) {
    const tc = protoInt64.uEnc(value);
    return this.writeVarint64(tc.lo, tc.hi);
  }
  /**
   * Write a 64-bit varint directly into the buffer. Accepts the value as
   * split low/high 32-bit words.
   *
   * Ported from varint64write() to avoid the intermediate number[] buffer.
   * See https://github.com/protocolbuffers/protobuf/blob/8a71927d74a4ce34efe2d8769fda198f52d20d12/js/experimental/runtime/kernel/writer.js#L344
   */
  writeVarint64(lo, hi) {
    this.ensureCapacity(10);
    const buf = this.buffer;
    let pos = this.pos;
    for (let i = 0; i < 28; i = i + 7) {
      const shift = lo >>> i;
      const hasNext = !(shift >>> 7 == 0 && hi == 0);
      buf[pos++] = (hasNext ? shift | 128 : shift) & 255;
      if (!hasNext) {
        this.pos = pos;
        return this;
      }
    }
    const splitBits = lo >>> 28 & 15 | (hi & 7) << 4;
    const hasMoreBits = !(hi >> 3 == 0);
    buf[pos++] = (hasMoreBits ? splitBits | 128 : splitBits) & 255;
    if (!hasMoreBits) {
      this.pos = pos;
      return this;
    }
    for (let i = 3; i < 31; i = i + 7) {
      const shift = hi >>> i;
      const hasNext = !(shift >>> 7 == 0);
      buf[pos++] = (hasNext ? shift | 128 : shift) & 255;
      if (!hasNext) {
        this.pos = pos;
        return this;
      }
    }
    buf[pos++] = hi >>> 31 & 1;
    this.pos = pos;
    return this;
  }
};
var INITIAL_SIZE = 128;
var DEFAULT_LEN_PREFIX_SIZE = 1;
var EMPTY_BUFFER = new Uint8Array(0);
var EMPTY_VIEW = new DataView(EMPTY_BUFFER.buffer);
var ASCII_MAX_LENGTH = 32;
function varint32Size(value) {
  if (value < 128)
    return 1;
  if (value < 16384)
    return 2;
  if (value < 2097152)
    return 3;
  if (value < 268435456)
    return 4;
  return 5;
}
var BinaryReader = class {
  constructor(buf, decodeUtf8 = getTextEncoding().decodeUtf8) {
    this.decodeUtf8 = decodeUtf8;
    this.varint64Lo = 0;
    this.varint64Hi = 0;
    this.varint64 = varint64read;
    this.uint32 = varint32read;
    this.buf = buf;
    this.len = buf.length;
    this.pos = 0;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  /**
   * Reads a tag - field number and wire type. Tags are uint32 varints; values
   * that do not fit in uint32 are rejected.
   */
  tag() {
    const start = this.pos;
    const tag = this.uint32();
    const bytesRead = this.pos - start;
    if (bytesRead > 5 || bytesRead == 5 && this.buf[this.pos - 1] > 15) {
      throw new Error("illegal tag: varint overflows uint32");
    }
    const fieldNo = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNo <= 0 || wireType > 5) {
      throw new Error("illegal tag: field no " + fieldNo + " wire type " + wireType);
    }
    return [fieldNo, wireType];
  }
  /**
   * Skip one element and return the skipped data.
   *
   * When skipping StartGroup, provide the tags field number to check for
   * matching field number in the EndGroup tag. Recursion into nested groups
   * is guarded by the `recursionLimit` argument: When the limit is reached,
   * this method throws.
   */
  skip(wireType, fieldNo, recursionLimit = 100) {
    let start = this.pos;
    switch (wireType) {
      case WireType.Varint:
        while (this.buf[this.pos++] & 128) {
        }
        break;
      // @ts-ignore TS7029: Fallthrough case in switch -- ignore instead of expect-error for compiler settings without noFallthroughCasesInSwitch: true
      case WireType.Bit64:
        this.pos += 4;
      case WireType.Bit32:
        this.pos += 4;
        break;
      case WireType.LengthDelimited:
        let len = this.uint32();
        this.pos += len;
        break;
      case WireType.StartGroup:
        if (recursionLimit <= 0) {
          throw new Error("maximum recursion depth reached");
        }
        for (; ; ) {
          const [fn, wt] = this.tag();
          if (wt === WireType.EndGroup) {
            if (fieldNo !== void 0 && fn !== fieldNo) {
              throw new Error("invalid end group tag");
            }
            break;
          }
          this.skip(wt, fn, recursionLimit - 1);
        }
        break;
      default:
        throw new Error("cant skip wire type " + wireType);
    }
    this.assertBounds();
    return this.buf.subarray(start, this.pos);
  }
  /**
   * Throws error if position in byte array is out of range.
   */
  assertBounds() {
    if (this.pos > this.len)
      throw new RangeError("premature EOF");
  }
  /**
   * Read a `int32` field, a signed 32 bit varint.
   */
  int32() {
    return this.uint32() | 0;
  }
  /**
   * Read a `sint32` field, a signed, zigzag-encoded 32-bit varint.
   */
  sint32() {
    let zze = this.uint32();
    return zze >>> 1 ^ -(zze & 1);
  }
  /**
   * Read a `int64` field, a signed 64-bit varint.
   */
  int64() {
    this.varint64();
    return protoInt64.dec(this.varint64Lo, this.varint64Hi);
  }
  /**
   * Read a `uint64` field, an unsigned 64-bit varint.
   */
  uint64() {
    this.varint64();
    return protoInt64.uDec(this.varint64Lo, this.varint64Hi);
  }
  /**
   * Read a `sint64` field, a signed, zig-zag-encoded 64-bit varint.
   */
  sint64() {
    this.varint64();
    let lo = this.varint64Lo;
    let hi = this.varint64Hi;
    let s = -(lo & 1);
    lo = (lo >>> 1 | (hi & 1) << 31) ^ s;
    hi = hi >>> 1 ^ s;
    return protoInt64.dec(lo, hi);
  }
  /**
   * Read a `bool` field, a variant.
   */
  bool() {
    const b = this.buf[this.pos];
    if (b < 128) {
      this.pos++;
      return b !== 0;
    }
    this.varint64();
    return this.varint64Lo !== 0 || this.varint64Hi !== 0;
  }
  /**
   * Read a `fixed32` field, an unsigned, fixed-length 32-bit integer.
   */
  fixed32() {
    return this.view.getUint32((this.pos += 4) - 4, true);
  }
  /**
   * Read a `sfixed32` field, a signed, fixed-length 32-bit integer.
   */
  sfixed32() {
    return this.view.getInt32((this.pos += 4) - 4, true);
  }
  /**
   * Read a `fixed64` field, an unsigned, fixed-length 64 bit integer.
   */
  fixed64() {
    return protoInt64.uDec(this.sfixed32(), this.sfixed32());
  }
  /**
   * Read a `fixed64` field, a signed, fixed-length 64-bit integer.
   */
  sfixed64() {
    return protoInt64.dec(this.sfixed32(), this.sfixed32());
  }
  /**
   * Read a `float` field, 32-bit floating point number.
   */
  float() {
    return this.view.getFloat32((this.pos += 4) - 4, true);
  }
  /**
   * Read a `double` field, a 64-bit floating point number.
   */
  double() {
    return this.view.getFloat64((this.pos += 8) - 8, true);
  }
  /**
   * Read a `bytes` field, length-delimited arbitrary data.
   */
  bytes() {
    let len = this.uint32(), start = this.pos;
    this.pos += len;
    this.assertBounds();
    return this.buf.subarray(start, start + len);
  }
  /**
   * Read a `string` field, length-delimited data converted to UTF-8 text. If
   * `strict` is true, throw on invalid UTF-8 instead of substituting U+FFFD.
   */
  string(strict) {
    const len = this.uint32();
    const start = this.pos;
    this.pos += len;
    this.assertBounds();
    const buf = this.buf;
    if (len <= ASCII_MAX_LENGTH) {
      const codes = new Array(len);
      for (let i = 0; i < len; i++) {
        const byte = buf[start + i];
        if (byte > 127) {
          return this.decodeUtf8(buf.subarray(start, this.pos), strict);
        }
        codes[i] = byte;
      }
      return String.fromCharCode.apply(String, codes);
    }
    return this.decodeUtf8(buf.subarray(start, this.pos), strict);
  }
};
function assertInt32(arg) {
  if (typeof arg == "string") {
    arg = Number(arg);
  } else if (typeof arg != "number") {
    throw new Error("invalid int32: " + typeof arg);
  }
  if (!Number.isInteger(arg) || arg > INT32_MAX || arg < INT32_MIN)
    throw new Error("invalid int32: " + arg);
}
function assertUInt32(arg) {
  if (typeof arg == "string") {
    arg = Number(arg);
  } else if (typeof arg != "number") {
    throw new Error("invalid uint32: " + typeof arg);
  }
  if (!Number.isInteger(arg) || arg > UINT32_MAX || arg < 0)
    throw new Error("invalid uint32: " + arg);
}
function assertFloat32(arg) {
  if (typeof arg == "string") {
    const o = arg;
    arg = Number(arg);
    if (Number.isNaN(arg) && o !== "NaN") {
      throw new Error("invalid float32: " + o);
    }
  } else if (typeof arg != "number") {
    throw new Error("invalid float32: " + typeof arg);
  }
  if (!Number.isFinite(Math.fround(arg)) && Number.isFinite(arg)) {
    throw new Error("invalid float32: " + arg);
  }
}

// generated/grpc/testing/empty.ts
function createBaseEmpty() {
  return {};
}
var Empty = {
  encode(_, writer2 = new BinaryWriter()) {
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseEmpty();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(_) {
    return {};
  },
  toJSON(_) {
    const obj = {};
    return obj;
  },
  create(base) {
    return Empty.fromPartial(base ?? {});
  },
  fromPartial(_) {
    const message = createBaseEmpty();
    return message;
  }
};

// generated/grpc/testing/messages.ts
function payloadTypeFromJSON(object) {
  switch (object) {
    case 0:
    case "COMPRESSABLE":
      return 0 /* COMPRESSABLE */;
    case -1:
    case "UNRECOGNIZED":
    default:
      return -1 /* UNRECOGNIZED */;
  }
}
function payloadTypeToJSON(object) {
  switch (object) {
    case 0 /* COMPRESSABLE */:
      return "COMPRESSABLE";
    case -1 /* UNRECOGNIZED */:
    default:
      return "UNRECOGNIZED";
  }
}
function grpclbRouteTypeFromJSON(object) {
  switch (object) {
    case 0:
    case "GRPCLB_ROUTE_TYPE_UNKNOWN":
      return 0 /* GRPCLB_ROUTE_TYPE_UNKNOWN */;
    case 1:
    case "GRPCLB_ROUTE_TYPE_FALLBACK":
      return 1 /* GRPCLB_ROUTE_TYPE_FALLBACK */;
    case 2:
    case "GRPCLB_ROUTE_TYPE_BACKEND":
      return 2 /* GRPCLB_ROUTE_TYPE_BACKEND */;
    case -1:
    case "UNRECOGNIZED":
    default:
      return -1 /* UNRECOGNIZED */;
  }
}
function grpclbRouteTypeToJSON(object) {
  switch (object) {
    case 0 /* GRPCLB_ROUTE_TYPE_UNKNOWN */:
      return "GRPCLB_ROUTE_TYPE_UNKNOWN";
    case 1 /* GRPCLB_ROUTE_TYPE_FALLBACK */:
      return "GRPCLB_ROUTE_TYPE_FALLBACK";
    case 2 /* GRPCLB_ROUTE_TYPE_BACKEND */:
      return "GRPCLB_ROUTE_TYPE_BACKEND";
    case -1 /* UNRECOGNIZED */:
    default:
      return "UNRECOGNIZED";
  }
}
function createBaseBoolValue() {
  return { value: false };
}
var BoolValue = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.value !== false) {
      writer2.uint32(8).bool(message.value);
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseBoolValue();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 8) {
              break;
            }
            message.value = reader.bool();
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return { value: isSet(object.value) ? globalThis.Boolean(object.value) : false };
  },
  toJSON(message) {
    const obj = {};
    if (message.value !== false) {
      obj.value = message.value;
    }
    return obj;
  },
  create(base) {
    return BoolValue.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseBoolValue();
    message.value = object.value ?? false;
    return message;
  }
};
function createBasePayload() {
  return { type: 0, body: new Uint8Array(0) };
}
var Payload = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.type !== 0) {
      writer2.uint32(8).int32(message.type);
    }
    if (message.body.length !== 0) {
      writer2.uint32(18).bytes(message.body);
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBasePayload();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 8) {
              break;
            }
            message.type = reader.int32();
            continue;
          }
          case 2: {
            if (tag !== 18) {
              break;
            }
            message.body = reader.bytes();
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      type: isSet(object.type) ? payloadTypeFromJSON(object.type) : 0,
      body: isSet(object.body) ? bytesFromBase64(object.body) : new Uint8Array(0)
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.type !== 0) {
      obj.type = payloadTypeToJSON(message.type);
    }
    if (message.body.length !== 0) {
      obj.body = base64FromBytes(message.body);
    }
    return obj;
  },
  create(base) {
    return Payload.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBasePayload();
    message.type = object.type ?? 0;
    message.body = object.body ?? new Uint8Array(0);
    return message;
  }
};
function createBaseEchoStatus() {
  return { code: 0, message: "" };
}
var EchoStatus = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.code !== 0) {
      writer2.uint32(8).int32(message.code);
    }
    if (message.message !== "") {
      writer2.uint32(18).string(message.message);
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseEchoStatus();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 8) {
              break;
            }
            message.code = reader.int32();
            continue;
          }
          case 2: {
            if (tag !== 18) {
              break;
            }
            message.message = reader.string();
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      code: isSet(object.code) ? globalThis.Number(object.code) : 0,
      message: isSet(object.message) ? globalThis.String(object.message) : ""
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.code !== 0) {
      obj.code = Math.round(message.code);
    }
    if (message.message !== "") {
      obj.message = message.message;
    }
    return obj;
  },
  create(base) {
    return EchoStatus.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseEchoStatus();
    message.code = object.code ?? 0;
    message.message = object.message ?? "";
    return message;
  }
};
function createBaseSimpleRequest() {
  return {
    responseType: 0,
    responseSize: 0,
    payload: void 0,
    fillUsername: false,
    fillOauthScope: false,
    responseCompressed: void 0,
    responseStatus: void 0,
    expectCompressed: void 0,
    fillServerId: false,
    fillGrpclbRouteType: false
  };
}
var SimpleRequest = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.responseType !== 0) {
      writer2.uint32(8).int32(message.responseType);
    }
    if (message.responseSize !== 0) {
      writer2.uint32(16).int32(message.responseSize);
    }
    if (message.payload !== void 0) {
      Payload.encode(message.payload, writer2.uint32(26).fork()).join();
    }
    if (message.fillUsername !== false) {
      writer2.uint32(32).bool(message.fillUsername);
    }
    if (message.fillOauthScope !== false) {
      writer2.uint32(40).bool(message.fillOauthScope);
    }
    if (message.responseCompressed !== void 0) {
      BoolValue.encode(message.responseCompressed, writer2.uint32(50).fork()).join();
    }
    if (message.responseStatus !== void 0) {
      EchoStatus.encode(message.responseStatus, writer2.uint32(58).fork()).join();
    }
    if (message.expectCompressed !== void 0) {
      BoolValue.encode(message.expectCompressed, writer2.uint32(66).fork()).join();
    }
    if (message.fillServerId !== false) {
      writer2.uint32(72).bool(message.fillServerId);
    }
    if (message.fillGrpclbRouteType !== false) {
      writer2.uint32(80).bool(message.fillGrpclbRouteType);
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseSimpleRequest();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 8) {
              break;
            }
            message.responseType = reader.int32();
            continue;
          }
          case 2: {
            if (tag !== 16) {
              break;
            }
            message.responseSize = reader.int32();
            continue;
          }
          case 3: {
            if (tag !== 26) {
              break;
            }
            message.payload = Payload.decode(reader, reader.uint32());
            continue;
          }
          case 4: {
            if (tag !== 32) {
              break;
            }
            message.fillUsername = reader.bool();
            continue;
          }
          case 5: {
            if (tag !== 40) {
              break;
            }
            message.fillOauthScope = reader.bool();
            continue;
          }
          case 6: {
            if (tag !== 50) {
              break;
            }
            message.responseCompressed = BoolValue.decode(reader, reader.uint32());
            continue;
          }
          case 7: {
            if (tag !== 58) {
              break;
            }
            message.responseStatus = EchoStatus.decode(reader, reader.uint32());
            continue;
          }
          case 8: {
            if (tag !== 66) {
              break;
            }
            message.expectCompressed = BoolValue.decode(reader, reader.uint32());
            continue;
          }
          case 9: {
            if (tag !== 72) {
              break;
            }
            message.fillServerId = reader.bool();
            continue;
          }
          case 10: {
            if (tag !== 80) {
              break;
            }
            message.fillGrpclbRouteType = reader.bool();
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      responseType: isSet(object.responseType) ? payloadTypeFromJSON(object.responseType) : isSet(object.response_type) ? payloadTypeFromJSON(object.response_type) : 0,
      responseSize: isSet(object.responseSize) ? globalThis.Number(object.responseSize) : isSet(object.response_size) ? globalThis.Number(object.response_size) : 0,
      payload: isSet(object.payload) ? Payload.fromJSON(object.payload) : void 0,
      fillUsername: isSet(object.fillUsername) ? globalThis.Boolean(object.fillUsername) : isSet(object.fill_username) ? globalThis.Boolean(object.fill_username) : false,
      fillOauthScope: isSet(object.fillOauthScope) ? globalThis.Boolean(object.fillOauthScope) : isSet(object.fill_oauth_scope) ? globalThis.Boolean(object.fill_oauth_scope) : false,
      responseCompressed: isSet(object.responseCompressed) ? BoolValue.fromJSON(object.responseCompressed) : isSet(object.response_compressed) ? BoolValue.fromJSON(object.response_compressed) : void 0,
      responseStatus: isSet(object.responseStatus) ? EchoStatus.fromJSON(object.responseStatus) : isSet(object.response_status) ? EchoStatus.fromJSON(object.response_status) : void 0,
      expectCompressed: isSet(object.expectCompressed) ? BoolValue.fromJSON(object.expectCompressed) : isSet(object.expect_compressed) ? BoolValue.fromJSON(object.expect_compressed) : void 0,
      fillServerId: isSet(object.fillServerId) ? globalThis.Boolean(object.fillServerId) : isSet(object.fill_server_id) ? globalThis.Boolean(object.fill_server_id) : false,
      fillGrpclbRouteType: isSet(object.fillGrpclbRouteType) ? globalThis.Boolean(object.fillGrpclbRouteType) : isSet(object.fill_grpclb_route_type) ? globalThis.Boolean(object.fill_grpclb_route_type) : false
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.responseType !== 0) {
      obj.responseType = payloadTypeToJSON(message.responseType);
    }
    if (message.responseSize !== 0) {
      obj.responseSize = Math.round(message.responseSize);
    }
    if (message.payload !== void 0) {
      obj.payload = Payload.toJSON(message.payload);
    }
    if (message.fillUsername !== false) {
      obj.fillUsername = message.fillUsername;
    }
    if (message.fillOauthScope !== false) {
      obj.fillOauthScope = message.fillOauthScope;
    }
    if (message.responseCompressed !== void 0) {
      obj.responseCompressed = BoolValue.toJSON(message.responseCompressed);
    }
    if (message.responseStatus !== void 0) {
      obj.responseStatus = EchoStatus.toJSON(message.responseStatus);
    }
    if (message.expectCompressed !== void 0) {
      obj.expectCompressed = BoolValue.toJSON(message.expectCompressed);
    }
    if (message.fillServerId !== false) {
      obj.fillServerId = message.fillServerId;
    }
    if (message.fillGrpclbRouteType !== false) {
      obj.fillGrpclbRouteType = message.fillGrpclbRouteType;
    }
    return obj;
  },
  create(base) {
    return SimpleRequest.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseSimpleRequest();
    message.responseType = object.responseType ?? 0;
    message.responseSize = object.responseSize ?? 0;
    message.payload = object.payload !== void 0 && object.payload !== null ? Payload.fromPartial(object.payload) : void 0;
    message.fillUsername = object.fillUsername ?? false;
    message.fillOauthScope = object.fillOauthScope ?? false;
    message.responseCompressed = object.responseCompressed !== void 0 && object.responseCompressed !== null ? BoolValue.fromPartial(object.responseCompressed) : void 0;
    message.responseStatus = object.responseStatus !== void 0 && object.responseStatus !== null ? EchoStatus.fromPartial(object.responseStatus) : void 0;
    message.expectCompressed = object.expectCompressed !== void 0 && object.expectCompressed !== null ? BoolValue.fromPartial(object.expectCompressed) : void 0;
    message.fillServerId = object.fillServerId ?? false;
    message.fillGrpclbRouteType = object.fillGrpclbRouteType ?? false;
    return message;
  }
};
function createBaseSimpleResponse() {
  return { payload: void 0, username: "", oauthScope: "", serverId: "", grpclbRouteType: 0, hostname: "" };
}
var SimpleResponse = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.payload !== void 0) {
      Payload.encode(message.payload, writer2.uint32(10).fork()).join();
    }
    if (message.username !== "") {
      writer2.uint32(18).string(message.username);
    }
    if (message.oauthScope !== "") {
      writer2.uint32(26).string(message.oauthScope);
    }
    if (message.serverId !== "") {
      writer2.uint32(34).string(message.serverId);
    }
    if (message.grpclbRouteType !== 0) {
      writer2.uint32(40).int32(message.grpclbRouteType);
    }
    if (message.hostname !== "") {
      writer2.uint32(50).string(message.hostname);
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseSimpleResponse();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 10) {
              break;
            }
            message.payload = Payload.decode(reader, reader.uint32());
            continue;
          }
          case 2: {
            if (tag !== 18) {
              break;
            }
            message.username = reader.string();
            continue;
          }
          case 3: {
            if (tag !== 26) {
              break;
            }
            message.oauthScope = reader.string();
            continue;
          }
          case 4: {
            if (tag !== 34) {
              break;
            }
            message.serverId = reader.string();
            continue;
          }
          case 5: {
            if (tag !== 40) {
              break;
            }
            message.grpclbRouteType = reader.int32();
            continue;
          }
          case 6: {
            if (tag !== 50) {
              break;
            }
            message.hostname = reader.string();
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      payload: isSet(object.payload) ? Payload.fromJSON(object.payload) : void 0,
      username: isSet(object.username) ? globalThis.String(object.username) : "",
      oauthScope: isSet(object.oauthScope) ? globalThis.String(object.oauthScope) : isSet(object.oauth_scope) ? globalThis.String(object.oauth_scope) : "",
      serverId: isSet(object.serverId) ? globalThis.String(object.serverId) : isSet(object.server_id) ? globalThis.String(object.server_id) : "",
      grpclbRouteType: isSet(object.grpclbRouteType) ? grpclbRouteTypeFromJSON(object.grpclbRouteType) : isSet(object.grpclb_route_type) ? grpclbRouteTypeFromJSON(object.grpclb_route_type) : 0,
      hostname: isSet(object.hostname) ? globalThis.String(object.hostname) : ""
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.payload !== void 0) {
      obj.payload = Payload.toJSON(message.payload);
    }
    if (message.username !== "") {
      obj.username = message.username;
    }
    if (message.oauthScope !== "") {
      obj.oauthScope = message.oauthScope;
    }
    if (message.serverId !== "") {
      obj.serverId = message.serverId;
    }
    if (message.grpclbRouteType !== 0) {
      obj.grpclbRouteType = grpclbRouteTypeToJSON(message.grpclbRouteType);
    }
    if (message.hostname !== "") {
      obj.hostname = message.hostname;
    }
    return obj;
  },
  create(base) {
    return SimpleResponse.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseSimpleResponse();
    message.payload = object.payload !== void 0 && object.payload !== null ? Payload.fromPartial(object.payload) : void 0;
    message.username = object.username ?? "";
    message.oauthScope = object.oauthScope ?? "";
    message.serverId = object.serverId ?? "";
    message.grpclbRouteType = object.grpclbRouteType ?? 0;
    message.hostname = object.hostname ?? "";
    return message;
  }
};
function createBaseStreamingInputCallRequest() {
  return { payload: void 0, expectCompressed: void 0 };
}
var StreamingInputCallRequest = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.payload !== void 0) {
      Payload.encode(message.payload, writer2.uint32(10).fork()).join();
    }
    if (message.expectCompressed !== void 0) {
      BoolValue.encode(message.expectCompressed, writer2.uint32(18).fork()).join();
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseStreamingInputCallRequest();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 10) {
              break;
            }
            message.payload = Payload.decode(reader, reader.uint32());
            continue;
          }
          case 2: {
            if (tag !== 18) {
              break;
            }
            message.expectCompressed = BoolValue.decode(reader, reader.uint32());
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      payload: isSet(object.payload) ? Payload.fromJSON(object.payload) : void 0,
      expectCompressed: isSet(object.expectCompressed) ? BoolValue.fromJSON(object.expectCompressed) : isSet(object.expect_compressed) ? BoolValue.fromJSON(object.expect_compressed) : void 0
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.payload !== void 0) {
      obj.payload = Payload.toJSON(message.payload);
    }
    if (message.expectCompressed !== void 0) {
      obj.expectCompressed = BoolValue.toJSON(message.expectCompressed);
    }
    return obj;
  },
  create(base) {
    return StreamingInputCallRequest.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseStreamingInputCallRequest();
    message.payload = object.payload !== void 0 && object.payload !== null ? Payload.fromPartial(object.payload) : void 0;
    message.expectCompressed = object.expectCompressed !== void 0 && object.expectCompressed !== null ? BoolValue.fromPartial(object.expectCompressed) : void 0;
    return message;
  }
};
function createBaseStreamingInputCallResponse() {
  return { aggregatedPayloadSize: 0 };
}
var StreamingInputCallResponse = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.aggregatedPayloadSize !== 0) {
      writer2.uint32(8).int32(message.aggregatedPayloadSize);
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseStreamingInputCallResponse();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 8) {
              break;
            }
            message.aggregatedPayloadSize = reader.int32();
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      aggregatedPayloadSize: isSet(object.aggregatedPayloadSize) ? globalThis.Number(object.aggregatedPayloadSize) : isSet(object.aggregated_payload_size) ? globalThis.Number(object.aggregated_payload_size) : 0
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.aggregatedPayloadSize !== 0) {
      obj.aggregatedPayloadSize = Math.round(message.aggregatedPayloadSize);
    }
    return obj;
  },
  create(base) {
    return StreamingInputCallResponse.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseStreamingInputCallResponse();
    message.aggregatedPayloadSize = object.aggregatedPayloadSize ?? 0;
    return message;
  }
};
function createBaseResponseParameters() {
  return { size: 0, intervalUs: 0, compressed: void 0 };
}
var ResponseParameters = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.size !== 0) {
      writer2.uint32(8).int32(message.size);
    }
    if (message.intervalUs !== 0) {
      writer2.uint32(16).int32(message.intervalUs);
    }
    if (message.compressed !== void 0) {
      BoolValue.encode(message.compressed, writer2.uint32(26).fork()).join();
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseResponseParameters();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 8) {
              break;
            }
            message.size = reader.int32();
            continue;
          }
          case 2: {
            if (tag !== 16) {
              break;
            }
            message.intervalUs = reader.int32();
            continue;
          }
          case 3: {
            if (tag !== 26) {
              break;
            }
            message.compressed = BoolValue.decode(reader, reader.uint32());
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      size: isSet(object.size) ? globalThis.Number(object.size) : 0,
      intervalUs: isSet(object.intervalUs) ? globalThis.Number(object.intervalUs) : isSet(object.interval_us) ? globalThis.Number(object.interval_us) : 0,
      compressed: isSet(object.compressed) ? BoolValue.fromJSON(object.compressed) : void 0
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.size !== 0) {
      obj.size = Math.round(message.size);
    }
    if (message.intervalUs !== 0) {
      obj.intervalUs = Math.round(message.intervalUs);
    }
    if (message.compressed !== void 0) {
      obj.compressed = BoolValue.toJSON(message.compressed);
    }
    return obj;
  },
  create(base) {
    return ResponseParameters.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseResponseParameters();
    message.size = object.size ?? 0;
    message.intervalUs = object.intervalUs ?? 0;
    message.compressed = object.compressed !== void 0 && object.compressed !== null ? BoolValue.fromPartial(object.compressed) : void 0;
    return message;
  }
};
function createBaseStreamingOutputCallRequest() {
  return { responseType: 0, responseParameters: [], payload: void 0, responseStatus: void 0 };
}
var StreamingOutputCallRequest = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.responseType !== 0) {
      writer2.uint32(8).int32(message.responseType);
    }
    for (const v of message.responseParameters) {
      ResponseParameters.encode(v, writer2.uint32(18).fork()).join();
    }
    if (message.payload !== void 0) {
      Payload.encode(message.payload, writer2.uint32(26).fork()).join();
    }
    if (message.responseStatus !== void 0) {
      EchoStatus.encode(message.responseStatus, writer2.uint32(58).fork()).join();
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseStreamingOutputCallRequest();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 8) {
              break;
            }
            message.responseType = reader.int32();
            continue;
          }
          case 2: {
            if (tag !== 18) {
              break;
            }
            message.responseParameters.push(ResponseParameters.decode(reader, reader.uint32()));
            continue;
          }
          case 3: {
            if (tag !== 26) {
              break;
            }
            message.payload = Payload.decode(reader, reader.uint32());
            continue;
          }
          case 7: {
            if (tag !== 58) {
              break;
            }
            message.responseStatus = EchoStatus.decode(reader, reader.uint32());
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return {
      responseType: isSet(object.responseType) ? payloadTypeFromJSON(object.responseType) : isSet(object.response_type) ? payloadTypeFromJSON(object.response_type) : 0,
      responseParameters: globalThis.Array.isArray(object?.responseParameters) ? object.responseParameters.map((e) => ResponseParameters.fromJSON(e)) : globalThis.Array.isArray(object?.response_parameters) ? object.response_parameters.map((e) => ResponseParameters.fromJSON(e)) : [],
      payload: isSet(object.payload) ? Payload.fromJSON(object.payload) : void 0,
      responseStatus: isSet(object.responseStatus) ? EchoStatus.fromJSON(object.responseStatus) : isSet(object.response_status) ? EchoStatus.fromJSON(object.response_status) : void 0
    };
  },
  toJSON(message) {
    const obj = {};
    if (message.responseType !== 0) {
      obj.responseType = payloadTypeToJSON(message.responseType);
    }
    if (message.responseParameters?.length) {
      obj.responseParameters = message.responseParameters.map((e) => ResponseParameters.toJSON(e));
    }
    if (message.payload !== void 0) {
      obj.payload = Payload.toJSON(message.payload);
    }
    if (message.responseStatus !== void 0) {
      obj.responseStatus = EchoStatus.toJSON(message.responseStatus);
    }
    return obj;
  },
  create(base) {
    return StreamingOutputCallRequest.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseStreamingOutputCallRequest();
    message.responseType = object.responseType ?? 0;
    message.responseParameters = object.responseParameters?.map((e) => ResponseParameters.fromPartial(e)) || [];
    message.payload = object.payload !== void 0 && object.payload !== null ? Payload.fromPartial(object.payload) : void 0;
    message.responseStatus = object.responseStatus !== void 0 && object.responseStatus !== null ? EchoStatus.fromPartial(object.responseStatus) : void 0;
    return message;
  }
};
function createBaseStreamingOutputCallResponse() {
  return { payload: void 0 };
}
var StreamingOutputCallResponse = {
  encode(message, writer2 = new BinaryWriter()) {
    if (message.payload !== void 0) {
      Payload.encode(message.payload, writer2.uint32(10).fork()).join();
    }
    return writer2;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const previousRecursionDepth = reader.__tsProtoDecodeDepth ?? 0;
    if (previousRecursionDepth >= 100) {
      throw new globalThis.Error("protobuf decode recursion limit exceeded");
    }
    reader.__tsProtoDecodeDepth = previousRecursionDepth + 1;
    try {
      const end = length === void 0 ? reader.len : reader.pos + length;
      const message = createBaseStreamingOutputCallResponse();
      while (reader.pos < end) {
        const tag = reader.uint32();
        switch (tag >>> 3) {
          case 1: {
            if (tag !== 10) {
              break;
            }
            message.payload = Payload.decode(reader, reader.uint32());
            continue;
          }
        }
        if ((tag & 7) === 4 || tag === 0) {
          break;
        }
        reader.skip(tag & 7);
      }
      return message;
    } finally {
      reader.__tsProtoDecodeDepth = previousRecursionDepth;
    }
  },
  fromJSON(object) {
    return { payload: isSet(object.payload) ? Payload.fromJSON(object.payload) : void 0 };
  },
  toJSON(message) {
    const obj = {};
    if (message.payload !== void 0) {
      obj.payload = Payload.toJSON(message.payload);
    }
    return obj;
  },
  create(base) {
    return StreamingOutputCallResponse.fromPartial(base ?? {});
  },
  fromPartial(object) {
    const message = createBaseStreamingOutputCallResponse();
    message.payload = object.payload !== void 0 && object.payload !== null ? Payload.fromPartial(object.payload) : void 0;
    return message;
  }
};
function bytesFromBase64(b64) {
  if (globalThis.Buffer) {
    return Uint8Array.from(globalThis.Buffer.from(b64, "base64"));
  } else {
    const bin = globalThis.atob(b64);
    const arr = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; ++i) {
      arr[i] = bin.charCodeAt(i);
    }
    return arr;
  }
}
function base64FromBytes(arr) {
  if (globalThis.Buffer) {
    return globalThis.Buffer.from(arr).toString("base64");
  } else {
    const bin = [];
    arr.forEach((byte) => {
      bin.push(globalThis.String.fromCharCode(byte));
    });
    return globalThis.btoa(bin.join(""));
  }
}
function isSet(value) {
  return value !== null && value !== void 0;
}

// generated/grpc/testing/test_xtmp.ts
var TestServiceDefinition = {
  typeName: "grpc.testing.TestService",
  rules: { compression: "default", signed: false },
  methods: {
    /**
     * One empty request followed by one empty response.
     */
    emptyCall: {
      name: "EmptyCall",
      path: "/grpc.testing.TestService/EmptyCall",
      id: 1,
      kind: "unary",
      requestType: Empty,
      responseType: Empty,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    },
    /**
     * One request followed by one response.
     */
    unaryCall: {
      name: "UnaryCall",
      path: "/grpc.testing.TestService/UnaryCall",
      id: 2,
      kind: "unary",
      requestType: SimpleRequest,
      responseType: SimpleResponse,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    },
    /**
     * One request followed by one response. Response has cache control
     * headers set such that a caching HTTP proxy (such as GFE) can
     * satisfy subsequent requests.
     */
    cacheableUnaryCall: {
      name: "CacheableUnaryCall",
      path: "/grpc.testing.TestService/CacheableUnaryCall",
      id: 3,
      kind: "unary",
      requestType: SimpleRequest,
      responseType: SimpleResponse,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    },
    /**
     * One request followed by a sequence of responses (streamed download).
     * The server returns the payload with client desired type and sizes.
     */
    streamingOutputCall: {
      name: "StreamingOutputCall",
      path: "/grpc.testing.TestService/StreamingOutputCall",
      id: 4,
      kind: "server_streaming",
      requestType: StreamingOutputCallRequest,
      responseType: StreamingOutputCallResponse,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    },
    /**
     * A sequence of requests followed by one response (streamed upload).
     * The server returns the aggregated size of client payload as the result.
     */
    streamingInputCall: {
      name: "StreamingInputCall",
      path: "/grpc.testing.TestService/StreamingInputCall",
      id: 5,
      kind: "client_streaming",
      requestType: StreamingInputCallRequest,
      responseType: StreamingInputCallResponse,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    },
    /**
     * A sequence of requests with each request served by the server immediately.
     * As one request could lead to multiple responses, this interface
     * demonstrates the idea of full duplexing.
     */
    fullDuplexCall: {
      name: "FullDuplexCall",
      path: "/grpc.testing.TestService/FullDuplexCall",
      id: 6,
      kind: "bidi_streaming",
      requestType: StreamingOutputCallRequest,
      responseType: StreamingOutputCallResponse,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    },
    /**
     * A sequence of requests followed by a sequence of responses.
     * The server buffers all the client requests and then serves them in order. A
     * stream of responses are returned to the client when the server starts with
     * first request.
     */
    halfDuplexCall: {
      name: "HalfDuplexCall",
      path: "/grpc.testing.TestService/HalfDuplexCall",
      id: 7,
      kind: "bidi_streaming",
      requestType: StreamingOutputCallRequest,
      responseType: StreamingOutputCallResponse,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    },
    /**
     * The test server will not implement this method. It will be used
     * to test the behavior when clients call unimplemented methods.
     */
    unimplementedCall: {
      name: "UnimplementedCall",
      path: "/grpc.testing.TestService/UnimplementedCall",
      id: 8,
      kind: "unary",
      requestType: Empty,
      responseType: Empty,
      rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }
    }
  }
};

// src/status/code.ts
var Code = /* @__PURE__ */ ((Code2) => {
  Code2[Code2["OK"] = 0] = "OK";
  Code2[Code2["CANCELLED"] = 1] = "CANCELLED";
  Code2[Code2["UNKNOWN"] = 2] = "UNKNOWN";
  Code2[Code2["INVALID_ARGUMENT"] = 3] = "INVALID_ARGUMENT";
  Code2[Code2["DEADLINE_EXCEEDED"] = 4] = "DEADLINE_EXCEEDED";
  Code2[Code2["NOT_FOUND"] = 5] = "NOT_FOUND";
  Code2[Code2["ALREADY_EXISTS"] = 6] = "ALREADY_EXISTS";
  Code2[Code2["PERMISSION_DENIED"] = 7] = "PERMISSION_DENIED";
  Code2[Code2["RESOURCE_EXHAUSTED"] = 8] = "RESOURCE_EXHAUSTED";
  Code2[Code2["FAILED_PRECONDITION"] = 9] = "FAILED_PRECONDITION";
  Code2[Code2["ABORTED"] = 10] = "ABORTED";
  Code2[Code2["OUT_OF_RANGE"] = 11] = "OUT_OF_RANGE";
  Code2[Code2["UNIMPLEMENTED"] = 12] = "UNIMPLEMENTED";
  Code2[Code2["INTERNAL"] = 13] = "INTERNAL";
  Code2[Code2["UNAVAILABLE"] = 14] = "UNAVAILABLE";
  Code2[Code2["DATA_LOSS"] = 15] = "DATA_LOSS";
  Code2[Code2["UNAUTHENTICATED"] = 16] = "UNAUTHENTICATED";
  return Code2;
})(Code || {});
function codeName(code) {
  return Code[code] ?? `CODE_${code}`;
}
function isCode(n) {
  return Number.isInteger(n) && n >= 0 && n <= 16;
}

// src/status/error.ts
var XtmpError = class _XtmpError extends Error {
  /** The gRPC status code. */
  code;
  /** The status message without the code prefix (what goes on the wire). */
  rawMessage;
  /** Trailing metadata. */
  metadata;
  /** Serialized status details. */
  details;
  /** Creates an error; `code` must be non-OK. */
  constructor(code, message, options = {}) {
    super(`[${codeName(code)}] ${message}`, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "XtmpError";
    this.code = isCode(code) && code !== 0 /* OK */ ? code : 2 /* UNKNOWN */;
    this.rawMessage = message;
    this.metadata = [...options.metadata ?? []];
    this.details = [...options.details ?? []];
  }
  /**
   * Converts anything thrown into an XtmpError. XtmpErrors pass through; an AbortError
   * becomes CANCELLED; anything else becomes `fallback` (UNKNOWN) with a generic message and
   * the original kept only as `cause`, so stacks and internals never reach the peer.
   */
  static from(reason, fallback = 2 /* UNKNOWN */) {
    if (reason instanceof _XtmpError) return reason;
    if (reason instanceof Error && reason.name === "AbortError") {
      return new _XtmpError(1 /* CANCELLED */, "operation was cancelled", { cause: reason });
    }
    if (reason instanceof Error && reason.name === "TimeoutError") {
      return new _XtmpError(4 /* DEADLINE_EXCEEDED */, "deadline exceeded", { cause: reason });
    }
    return new _XtmpError(fallback, fallback === 2 /* UNKNOWN */ ? "unknown error" : codeName(fallback).toLowerCase(), { cause: reason });
  }
};

// src/wire/frame-types.ts
var FrameType = /* @__PURE__ */ ((FrameType2) => {
  FrameType2[FrameType2["PADDING"] = 0] = "PADDING";
  FrameType2[FrameType2["KEY_UPDATE"] = 1] = "KEY_UPDATE";
  FrameType2[FrameType2["CLOSE"] = 2] = "CLOSE";
  FrameType2[FrameType2["OPEN"] = 16] = "OPEN";
  FrameType2[FrameType2["DATA"] = 17] = "DATA";
  FrameType2[FrameType2["HEADERS"] = 18] = "HEADERS";
  FrameType2[FrameType2["TRAILERS"] = 19] = "TRAILERS";
  FrameType2[FrameType2["RESET"] = 20] = "RESET";
  FrameType2[FrameType2["WINDOW_UPDATE"] = 21] = "WINDOW_UPDATE";
  FrameType2[FrameType2["SETTINGS"] = 22] = "SETTINGS";
  FrameType2[FrameType2["PING"] = 23] = "PING";
  FrameType2[FrameType2["GOAWAY"] = 24] = "GOAWAY";
  return FrameType2;
})(FrameType || {});
var FrameFlags = {
  /** DATA: the last frame of this message. PING: this is the answer. */
  END_MESSAGE: 1,
  /** PING answer. */
  ACK: 1,
  /** DATA/OPEN: the sender will send nothing more on this stream (half-close). */
  END_STREAM: 2,
  /** DATA: the message bytes are compressed. */
  COMPRESSED: 4
};
var KNOWN = new Set(Object.values(FrameType).filter((v) => typeof v === "number"));
function classifyFrameType(type) {
  if (KNOWN.has(type)) return "known";
  return type >= 128 ? "ignore" : "fatal";
}
var CloseCode = /* @__PURE__ */ ((CloseCode2) => {
  CloseCode2[CloseCode2["NO_ERROR"] = 0] = "NO_ERROR";
  CloseCode2[CloseCode2["PROTOCOL_ERROR"] = 1] = "PROTOCOL_ERROR";
  CloseCode2[CloseCode2["INTERNAL_ERROR"] = 2] = "INTERNAL_ERROR";
  CloseCode2[CloseCode2["FLOW_CONTROL_ERROR"] = 3] = "FLOW_CONTROL_ERROR";
  CloseCode2[CloseCode2["SIZE_ERROR"] = 4] = "SIZE_ERROR";
  CloseCode2[CloseCode2["TIMEOUT"] = 5] = "TIMEOUT";
  CloseCode2[CloseCode2["GOING_AWAY"] = 6] = "GOING_AWAY";
  CloseCode2[CloseCode2["AUTH_FAILED"] = 7] = "AUTH_FAILED";
  return CloseCode2;
})(CloseCode || {});

// src/wire/errors.ts
function protocolError(message) {
  throw new XtmpError(13 /* INTERNAL */, `protocol error: ${message}`);
}

// src/wire/varint.ts
var MAX_VARINT = 4294967295;
function varintSize(v) {
  return v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
}
function writeVarint(buf, off, v) {
  if (!Number.isInteger(v) || v < 0 || v > MAX_VARINT) throw new RangeError(`varint out of range: ${v}`);
  while (v >= 128) {
    buf[off++] = v & 127 | 128;
    v = Math.floor(v / 128);
  }
  buf[off++] = v;
  return off;
}
function readVarint(buf, off) {
  let v = 0;
  let mul3 = 1;
  for (let i = 0; i < 5; i++) {
    if (off + i >= buf.length) return void 0;
    const b = buf[off + i];
    v += (b & 127) * mul3;
    if (b < 128) {
      if (b === 0 && i > 0) protocolError("overlong varint");
      if (v > MAX_VARINT) protocolError("varint exceeds 32 bits");
      return [v, off + i + 1];
    }
    mul3 *= 128;
  }
  return protocolError("varint longer than 5 bytes");
}

// src/mux/control.ts
var DEFAULT_SETTINGS = { initialStreamWindow: 1 << 20, maxConcurrentStreams: 1e3, sessionWindow: 16 << 20 };
var MAX_WINDOW = 2147483647;
function bad(what) {
  throw new XtmpError(13 /* INTERNAL */, `protocol error: malformed ${what} frame`);
}
function varints(values) {
  const out = new Uint8Array(values.reduce((n, v) => n + varintSize(v), 0));
  let off = 0;
  for (const v of values) off = writeVarint(out, off, v);
  return out;
}
function readAll(payload, what, count) {
  const out = [];
  let off = 0;
  while (off < payload.length && (count === void 0 || out.length < count)) {
    const r = readVarint(payload, off) ?? bad(what);
    out.push(r[0]);
    off = r[1];
  }
  if (count !== void 0 && (out.length !== count || off !== payload.length)) bad(what);
  return out;
}
function encodeSettings(s) {
  return varints([1 /* INITIAL_STREAM_WINDOW */, s.initialStreamWindow, 2 /* MAX_CONCURRENT_STREAMS */, s.maxConcurrentStreams, 3 /* SESSION_WINDOW */, s.sessionWindow]);
}
function decodeSettings(payload, base) {
  const v = readAll(payload, "SETTINGS");
  if (v.length % 2 !== 0) bad("SETTINGS");
  const out = { ...base };
  for (let i = 0; i < v.length; i += 2) {
    const value = v[i + 1];
    switch (v[i]) {
      case 1 /* INITIAL_STREAM_WINDOW */:
        if (value > MAX_WINDOW) bad("SETTINGS");
        out.initialStreamWindow = value;
        break;
      case 2 /* MAX_CONCURRENT_STREAMS */:
        out.maxConcurrentStreams = value;
        break;
      case 3 /* SESSION_WINDOW */:
        if (value > MAX_WINDOW) bad("SETTINGS");
        out.sessionWindow = value;
        break;
    }
  }
  return out;
}
function encodeWindowUpdate(increment) {
  return varints([increment]);
}
function decodeWindowUpdate(payload) {
  const [n] = readAll(payload, "WINDOW_UPDATE", 1);
  if (n === 0 || n > MAX_WINDOW) bad("WINDOW_UPDATE");
  return n;
}
function encodeReset(code, message) {
  const msg = new TextEncoder().encode(message.slice(0, 512));
  const out = new Uint8Array(varintSize(code) + msg.length);
  out.set(msg, writeVarint(out, 0, code));
  return out;
}
function decodeReset(payload) {
  const r = readVarint(payload, 0) ?? bad("RESET");
  const code = r[0] >= 1 && r[0] <= 16 ? r[0] : 2 /* UNKNOWN */;
  return { code, message: new TextDecoder().decode(payload.subarray(r[1])) };
}
function encodeGoAway(lastStreamId, code, reason) {
  const msg = new TextEncoder().encode(reason.slice(0, 256));
  const head = varints([lastStreamId, code]);
  const out = new Uint8Array(head.length + msg.length);
  out.set(head);
  out.set(msg, head.length);
  return out;
}
function decodeGoAway(payload) {
  const a = readVarint(payload, 0) ?? bad("GOAWAY");
  const b = readVarint(payload, a[1]) ?? bad("GOAWAY");
  return { lastStreamId: a[0], code: b[0], reason: new TextDecoder().decode(payload.subarray(b[1])) };
}

// src/wire/bytes.ts
function concatBytes(parts, total = parts.reduce((n, p) => n + p.length, 0)) {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

// src/mux/stream.ts
var EMPTY = new Uint8Array(0);
var MuxStream = class {
  constructor(host, sendWindow, initialRecvWindow) {
    this.host = host;
    this.initialRecvWindow = initialRecvWindow;
    this.sendWindow = sendWindow;
    this.recvWindow = initialRecvWindow;
  }
  host;
  initialRecvWindow;
  /** Stream id (0 while waiting for a concurrency slot). */
  id = 0;
  /** Credit the peer gave us. */
  sendWindow;
  /** Credit we gave the peer and it has not used. */
  recvWindow;
  /** Bytes queued but not yet sent. */
  pendingBytes = 0;
  /** We sent END_STREAM or trailers. */
  localEnded = false;
  /** The peer sent END_STREAM or trailers. */
  remoteEnded = false;
  /** Closed or reset: no more events. */
  closed = false;
  /** The event handler. */
  handler;
  pending = [];
  unacked = 0;
  fragments = [];
  // credit still owed for delivered messages, in order (their last fragment: earlier ones were
  // credited on arrival, since reassembly is bounded by the message size limit instead)
  owed = [];
  fragBytes = 0;
  wasBlocked = false;
  /** Installs the event handler (before any frame can arrive for this stream). */
  setHandler(handler) {
    this.handler = handler;
  }
  /** Sends response headers. */
  sendHeaders(block) {
    if (this.closed || this.localEnded) return;
    if (this.id !== 0 && this.pending.length === 0) this.host.sendFrame(18 /* HEADERS */, 0, this.id, block);
    else this.pending.push({ kind: 0 /* DATA */, data: block, off: -1, flags: 0 });
  }
  /** Queues a message; returns false when it could not all be sent yet (wait for onDrain). */
  sendMessage(data, compressed) {
    if (this.closed || this.localEnded) return true;
    this.pending.push({ kind: 0 /* DATA */, data, off: 0, flags: compressed ? FrameFlags.COMPRESSED : 0 });
    this.pendingBytes += data.length;
    this.flush();
    return this.pendingBytes === 0;
  }
  /** Half-closes our side after everything queued. */
  end() {
    if (this.closed || this.localEnded) return;
    this.localEnded = true;
    this.pending.push({ kind: 1 /* END */, data: EMPTY, off: 0, flags: FrameFlags.END_STREAM });
    this.flush();
  }
  /** Sends trailers after everything queued and closes the stream (server side). */
  sendTrailers(block) {
    if (this.closed || this.localEnded) return;
    this.localEnded = true;
    this.pending.push({ kind: 2 /* TRAILERS */, data: block, off: 0, flags: 0 });
    this.flush();
  }
  /** Aborts the stream and tells the peer. */
  reset(code, message) {
    if (this.closed) return;
    if (this.id !== 0) this.host.sendFrame(20 /* RESET */, 0, this.id, encodeReset(code, message));
    this.finish();
  }
  /** The consumer processed the oldest delivered message: its credit goes back to the peer. */
  messageConsumed() {
    const n = this.owed.shift();
    if (n !== void 0) this.credit(n);
  }
  credit(n) {
    this.host.sessionConsumed(n);
    if (this.closed || this.remoteEnded) return;
    this.unacked += n;
    if (this.unacked >= this.initialRecvWindow / 2) {
      this.host.sendFrame(21 /* WINDOW_UPDATE */, 0, this.id, encodeWindowUpdate(this.unacked));
      this.recvWindow += this.unacked;
      this.unacked = 0;
    }
  }
  /** Sends what the windows allow. */
  flush() {
    if (this.id === 0 || this.closed) return;
    const host = this.host;
    while (this.pending.length > 0) {
      const item = this.pending[0];
      if (item.off === -1) {
        host.sendFrame(18 /* HEADERS */, 0, this.id, item.data);
      } else if (item.kind === 2 /* TRAILERS */) {
        host.sendFrame(19 /* TRAILERS */, 0, this.id, item.data);
        this.pending.shift();
        this.finish();
        return;
      } else if (item.kind === 1 /* END */) {
        host.sendFrame(17 /* DATA */, FrameFlags.END_STREAM, this.id, EMPTY);
      } else {
        const len = item.data.length;
        do {
          const n = Math.min(len - item.off, host.maxFramePayload, this.sendWindow, host.sessionSendWindow);
          if (n <= 0 && len > 0) {
            this.wasBlocked = true;
            host.blocked(this);
            return;
          }
          const last = item.off + n === len;
          host.sendFrame(17 /* DATA */, item.flags | (last ? FrameFlags.END_MESSAGE : 0), this.id, item.data.subarray(item.off, item.off + n));
          item.off += n;
          this.sendWindow -= n;
          host.sessionSendWindow -= n;
          this.pendingBytes -= n;
        } while (item.off < len);
      }
      this.pending.shift();
    }
    if (this.localEnded && this.remoteEnded) this.finish();
    if (this.wasBlocked) {
      this.wasBlocked = false;
      this.handler?.onDrain();
    }
  }
  /** Handles an incoming DATA frame (windows already checked by the session). */
  onData(flags, payload) {
    this.recvWindow -= payload.length;
    if (this.remoteEnded) throw new XtmpError(13 /* INTERNAL */, "protocol error: DATA after END_STREAM");
    if (this.fragBytes + payload.length > this.host.maxRecvMessage) {
      this.host.sessionConsumed(payload.length);
      const msg = `message larger than the limit of ${this.host.maxRecvMessage} bytes`;
      this.reset(8 /* RESOURCE_EXHAUSTED */, msg);
      this.handler?.onReset(new XtmpError(8 /* RESOURCE_EXHAUSTED */, msg));
      return;
    }
    if (payload.length > 0 || flags & FrameFlags.END_MESSAGE) {
      this.fragments.push(payload.slice());
      this.fragBytes += payload.length;
    }
    if (!(flags & FrameFlags.END_MESSAGE)) {
      this.credit(payload.length);
    } else {
      this.owed.push(payload.length);
      const msg = this.fragments.length === 1 ? this.fragments[0] : concatBytes(this.fragments, this.fragBytes);
      this.fragments = [];
      this.fragBytes = 0;
      this.handler?.onMessage(msg, (flags & FrameFlags.COMPRESSED) !== 0);
    }
    if (flags & FrameFlags.END_STREAM) {
      if (this.fragBytes > 0) throw new XtmpError(13 /* INTERNAL */, "protocol error: END_STREAM inside a message");
      this.remoteEnded = true;
      if (!this.closed) this.handler?.onEnd();
      if (this.localEnded && this.pending.length === 0) this.finish();
    }
  }
  /** Handles HEADERS. */
  onHeaders(block) {
    this.handler?.onHeaders(block.slice());
  }
  /** Handles TRAILERS: the server is done, so is this stream. */
  onTrailers(block) {
    this.remoteEnded = true;
    this.localEnded = true;
    this.finish();
    this.handler?.onTrailers(block.slice());
  }
  /** The peer or the session aborted the stream. */
  abort(error) {
    if (this.closed) return;
    this.finish();
    this.handler?.onReset(error);
  }
  finish() {
    if (this.closed) return;
    this.closed = true;
    let owed = 0;
    for (const n of this.owed) owed += n;
    this.owed = [];
    if (owed > 0) this.host.sessionConsumed(owed);
    this.pending = [];
    this.pendingBytes = 0;
    this.fragments = [];
    this.fragBytes = 0;
    this.host.streamClosed(this);
  }
};

// src/mux/session.ts
var MuxSession = class {
  constructor(duplex, opts2) {
    this.duplex = duplex;
    this.opts = opts2;
    this.local = { ...DEFAULT_SETTINGS, ...opts2.settings };
    this.sessionRecvWindow = Math.max(this.local.sessionWindow, DEFAULT_SETTINGS.sessionWindow);
    this.maxRecvMessage = opts2.maxRecvMessage ?? 4 << 20;
    this.nextLocalId = opts2.isClient ? 1 : 2;
    duplex.setReceiver(this);
    this.sendFrame(22 /* SETTINGS */, 0, 0, encodeSettings(this.local));
    if (opts2.keepaliveMs) {
      const timeout = opts2.keepaliveTimeoutMs ?? 2e4;
      this.keepaliveTimer = setInterval(() => this.keepalive(timeout), Math.min(opts2.keepaliveMs, timeout));
      this.keepaliveTimer.unref?.();
    }
  }
  duplex;
  opts;
  /** Session-level credit the peer gave us. */
  sessionSendWindow = DEFAULT_SETTINGS.sessionWindow;
  /** Largest message accepted. */
  maxRecvMessage;
  local;
  peer = { ...DEFAULT_SETTINGS };
  // until the peer acknowledges our SETTINGS it may still be using the defaults, so we accept
  // at least the default windows for streams it opens before then (as HTTP/2 does)
  settingsAcked = false;
  sessionRecvWindow;
  sessionUnacked = 0;
  streams = /* @__PURE__ */ new Map();
  waiting = [];
  blockedStreams = /* @__PURE__ */ new Set();
  nextLocalId;
  lastRemoteId = 0;
  opened = 0;
  goAwaySent = false;
  goAwayReceived = false;
  closed = false;
  lastActivity = Date.now();
  pingOutstanding = [];
  keepaliveTimer;
  drainWaiters = [];
  /** Largest DATA payload. */
  get maxFramePayload() {
    return this.duplex.maxFramePayload;
  }
  /** Counters. */
  get stats() {
    return { activeStreams: this.streams.size, queuedStreams: this.waiting.length, streamsOpened: this.opened };
  }
  /** Whether new streams may be opened here. */
  get isAvailable() {
    return !this.closed && !this.goAwayReceived && !this.goAwaySent;
  }
  /** Whether the session has closed. */
  get isClosed() {
    return this.closed;
  }
  /** Opens a stream; it is queued (id 0) while the peer's concurrency limit is reached. */
  openStream(headers, handler) {
    if (!this.isAvailable) throw new XtmpError(14 /* UNAVAILABLE */, this.closed ? "session is closed" : "session is going away");
    const stream = new MuxStream(this, this.peer.initialStreamWindow, this.local.initialStreamWindow);
    stream.setHandler(handler);
    pendingHeaders.set(stream, headers);
    if (this.streams.size >= this.peer.maxConcurrentStreams) this.waiting.push(stream);
    else this.activate(stream);
    return stream;
  }
  activate(stream) {
    stream.id = this.nextLocalId;
    this.nextLocalId += 2;
    this.streams.set(stream.id, stream);
    this.opened++;
    this.sendFrame(16 /* OPEN */, 0, stream.id, pendingHeaders.get(stream) ?? new Uint8Array(0));
    pendingHeaders.delete(stream);
    stream.flush();
  }
  /** The handler of an open stream (used to route messages that arrive outside the stream, by datagram). */
  streamHandler(id) {
    return this.streams.get(id)?.handler;
  }
  /** Measures the round-trip time with a PING. */
  ping() {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setFloat64(0, performance.now());
    return new Promise((resolve) => {
      this.pingOutstanding.push({ payload, sentAt: performance.now(), resolve });
      this.sendFrame(23 /* PING */, 0, 0, payload);
    });
  }
  /** Graceful shutdown: announce GOAWAY, refuse new streams, let open ones finish. */
  goAway(reason = "shutting down") {
    if (this.goAwaySent || this.closed) return;
    this.goAwaySent = true;
    this.sendFrame(24 /* GOAWAY */, 0, 0, encodeGoAway(this.lastRemoteId, 6 /* GOING_AWAY */, reason));
  }
  /** Resolves when no stream is open (or the session closed). */
  drained() {
    if (this.streams.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }
  /** Closes the session: every open stream ends with `error` (UNAVAILABLE when orderly). */
  close(error) {
    if (this.closed) return;
    this.duplex.close(error);
    this.teardown(error);
  }
  // ---- StreamHost ----
  sendFrame(type, flags, streamId, payload) {
    if (!this.closed) this.duplex.send({ type, flags, streamId, payload });
  }
  blocked(stream) {
    this.blockedStreams.add(stream);
  }
  streamClosed(stream) {
    this.blockedStreams.delete(stream);
    const i = this.waiting.indexOf(stream);
    if (i >= 0) this.waiting.splice(i, 1);
    if (stream.id === 0 || !this.streams.delete(stream.id)) return;
    while (this.waiting.length > 0 && this.streams.size < this.peer.maxConcurrentStreams && this.isAvailable) this.activate(this.waiting.shift());
    if (this.streams.size === 0 && this.waiting.length === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }
  sessionConsumed(n) {
    this.sessionUnacked += n;
    if (this.sessionUnacked >= this.local.sessionWindow / 4 && !this.closed) {
      this.sendFrame(21 /* WINDOW_UPDATE */, 0, 0, encodeWindowUpdate(this.sessionUnacked));
      this.sessionRecvWindow += this.sessionUnacked;
      this.sessionUnacked = 0;
    }
  }
  // ---- FrameReceiver ----
  onFrame(f) {
    this.lastActivity = Date.now();
    try {
      this.dispatch(f);
    } catch (err) {
      this.close(XtmpError.from(err, 13 /* INTERNAL */));
    }
  }
  onClose(error) {
    this.teardown(error);
  }
  dispatch(f) {
    if (f.streamId === 0) return this.sessionFrame(f);
    if (f.type === 16 /* OPEN */) return this.onOpen(f);
    const stream = this.streams.get(f.streamId);
    if (f.type === 17 /* DATA */) {
      if (f.payload.length > this.sessionRecvWindow) protocol("session flow-control window overrun");
      this.sessionRecvWindow -= f.payload.length;
    }
    if (!stream) {
      if (!this.wasOpened(f.streamId)) protocol(`frame type 0x${f.type.toString(16)} on stream ${f.streamId}, which was never opened`);
      if (f.type === 17 /* DATA */) this.sessionConsumed(f.payload.length);
      return;
    }
    switch (f.type) {
      case 17 /* DATA */:
        if (f.payload.length > stream.recvWindow) protocol(`stream ${f.streamId} flow-control window overrun`);
        return stream.onData(f.flags, f.payload);
      case 18 /* HEADERS */:
        if (!this.opts.isClient) protocol("HEADERS from a client");
        return stream.onHeaders(f.payload);
      case 19 /* TRAILERS */:
        if (!this.opts.isClient) protocol("TRAILERS from a client");
        return stream.onTrailers(f.payload);
      case 20 /* RESET */: {
        const { code, message } = decodeReset(f.payload);
        return stream.abort(new XtmpError(code, message || "stream reset by peer"));
      }
      case 21 /* WINDOW_UPDATE */: {
        const n = decodeWindowUpdate(f.payload);
        if (stream.sendWindow + n > MAX_WINDOW) protocol("stream window overflow");
        stream.sendWindow += n;
        return stream.flush();
      }
      default:
        protocol(`frame type 0x${f.type.toString(16)} is not valid on a stream`);
    }
  }
  wasOpened(id) {
    const remoteParity = this.opts.isClient ? 0 : 1;
    return id % 2 === remoteParity ? id <= this.lastRemoteId : id < this.nextLocalId;
  }
  onOpen(f) {
    if (this.opts.isClient) protocol("the server opened a stream");
    if (f.streamId % 2 !== 1 || f.streamId <= this.lastRemoteId) protocol(`stream id ${f.streamId} reused or out of order`);
    this.lastRemoteId = f.streamId;
    const recvWindow = this.settingsAcked ? this.local.initialStreamWindow : Math.max(this.local.initialStreamWindow, DEFAULT_SETTINGS.initialStreamWindow);
    const stream = new MuxStream(this, this.peer.initialStreamWindow, recvWindow);
    stream.id = f.streamId;
    if (this.goAwaySent) {
      stream.reset(14 /* UNAVAILABLE */, "server is shutting down");
      return;
    }
    if (this.streams.size >= this.local.maxConcurrentStreams) {
      stream.reset(8 /* RESOURCE_EXHAUSTED */, `too many concurrent streams (limit ${this.local.maxConcurrentStreams})`);
      return;
    }
    this.streams.set(stream.id, stream);
    this.opened++;
    if (!this.opts.onStream) {
      stream.reset(12 /* UNIMPLEMENTED */, "this peer serves no streams");
      return;
    }
    this.opts.onStream(stream, f.payload.slice());
  }
  sessionFrame(f) {
    switch (f.type) {
      case 22 /* SETTINGS */: {
        if (f.flags & FrameFlags.ACK) {
          this.settingsAcked = true;
          return;
        }
        this.sendFrame(22 /* SETTINGS */, FrameFlags.ACK, 0, new Uint8Array(0));
        const next = decodeSettings(f.payload, this.peer);
        const streamDelta = next.initialStreamWindow - this.peer.initialStreamWindow;
        this.sessionSendWindow += next.sessionWindow - this.peer.sessionWindow;
        this.peer = next;
        for (const s of this.streams.values()) s.sendWindow += streamDelta;
        this.unblock();
        while (this.waiting.length > 0 && this.streams.size < this.peer.maxConcurrentStreams && this.isAvailable) this.activate(this.waiting.shift());
        return;
      }
      case 21 /* WINDOW_UPDATE */: {
        const n = decodeWindowUpdate(f.payload);
        if (this.sessionSendWindow + n > MAX_WINDOW) protocol("session window overflow");
        this.sessionSendWindow += n;
        return this.unblock();
      }
      case 23 /* PING */:
        if (f.payload.length !== 8) protocol("PING payload must be 8 bytes");
        if (f.flags & FrameFlags.ACK) {
          const i = this.pingOutstanding.findIndex((p) => p.payload.every((b, j) => b === f.payload[j]));
          if (i >= 0) {
            const [p] = this.pingOutstanding.splice(i, 1);
            p?.resolve(performance.now() - p.sentAt);
          }
        } else {
          this.sendFrame(23 /* PING */, FrameFlags.ACK, 0, f.payload.slice());
        }
        return;
      case 24 /* GOAWAY */: {
        const { lastStreamId, reason } = decodeGoAway(f.payload);
        this.goAwayReceived = true;
        const err = new XtmpError(14 /* UNAVAILABLE */, `peer is going away: ${reason}`);
        for (const s of [...this.streams.values()]) if (s.id % 2 === (this.opts.isClient ? 1 : 0) && s.id > lastStreamId) s.abort(err);
        for (const s of this.waiting.splice(0)) s.abort(err);
        this.opts.onGoAway?.(lastStreamId);
        return;
      }
      default:
        protocol(`frame type 0x${f.type.toString(16)} is not valid on stream 0`);
    }
  }
  unblock() {
    for (const s of [...this.blockedStreams]) {
      if (this.sessionSendWindow <= 0) return;
      this.blockedStreams.delete(s);
      s.flush();
    }
  }
  keepalive(timeoutMs) {
    const now = Date.now();
    const stale = this.pingOutstanding.find((p) => performance.now() - p.sentAt > timeoutMs);
    if (stale) {
      this.close(new XtmpError(14 /* UNAVAILABLE */, `keepalive: no PING answer within ${timeoutMs} ms`));
      return;
    }
    if (now - this.lastActivity >= (this.opts.keepaliveMs ?? 0) && this.pingOutstanding.length === 0) void this.ping();
  }
  teardown(error) {
    if (this.closed) return;
    this.closed = true;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    const err = error ?? new XtmpError(14 /* UNAVAILABLE */, "session closed");
    for (const s of [...this.streams.values(), ...this.waiting.splice(0)]) s.abort(err);
    this.streams.clear();
    this.blockedStreams.clear();
    for (const p of this.pingOutstanding.splice(0)) p.resolve(Number.NaN);
    for (const w of this.drainWaiters.splice(0)) w();
    this.opts.onClose?.(error);
  }
};
var pendingHeaders = /* @__PURE__ */ new WeakMap();
function protocol(message) {
  throw new XtmpError(13 /* INTERNAL */, `protocol error: ${message}`);
}

// node_modules/@noble/ciphers/utils.js
function isBytes(a) {
  return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array" && "BYTES_PER_ELEMENT" in a && a.BYTES_PER_ELEMENT === 1;
}
var atitle = (title) => title ? `"${title}" ` : "";
function abool(value, title = "") {
  if (typeof value !== "boolean")
    throw new TypeError(atitle(title) + "expected boolean, got type=" + typeof value);
  return value;
}
function anumber(n, title = "") {
  if (typeof n !== "number")
    throw new TypeError(atitle(title) + "expected number, got " + typeof n);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(atitle(title) + "expected integer >= 0, got " + n);
  return n;
}
function abytes(value, length, title = "") {
  if (isBytes(value) && (length === void 0 || value.length === length))
    return value;
  if (length !== void 0)
    anumber(length, "length");
  const bytes = isBytes(value);
  const ofLen = length !== void 0 ? ` of length ${length}` : "";
  const got = bytes ? `length=${value.length}` : `type=${typeof value}`;
  const message = atitle(title) + "expected Uint8Array" + ofLen + ", got " + got;
  if (!bytes)
    throw new TypeError(message);
  throw new RangeError(message);
}
var aobject = (value, label) => {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError(label === "object" ? "expected valid options object" : `"${label}" expected object, got type=${typeof value}`);
};
function aexists(instance, checkFinished = true) {
  if (instance.destroyed)
    throw new Error("hash was destroyed");
  if (checkFinished && instance.finished)
    throw new Error("digest() was already called");
}
function aoutput(out, instance) {
  abytes(out, void 0, "output");
  const min = instance.outputLen;
  if (!(out.length >= min)) {
    throw new RangeError('"output" expected length >= ' + min);
  }
}
function aoutput32(out, instance) {
  aoutput(out, instance);
  if (!isAligned32(out))
    throw new Error("invalid output, must be aligned");
}
function u8(arr) {
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}
function u32(arr) {
  return new Uint32Array(arr.buffer, arr.byteOffset, Math.floor(arr.byteLength / 4));
}
function clean(...arrays) {
  for (let i = 0; i < arrays.length; i++) {
    arrays[i].fill(0);
  }
}
function createView(arr) {
  return new DataView(arr.buffer, arr.byteOffset, arr.byteLength);
}
var isLE = /* @__PURE__ */ (() => new Uint8Array(new Uint32Array([287454020]).buffer)[0] === 68)();
function byteSwap(word) {
  return word << 24 & 4278190080 | word << 8 & 16711680 | word >>> 8 & 65280 | word >>> 24 & 255;
}
var swap8IfBE = isLE ? (n) => n : (n) => byteSwap(n) >>> 0;
function byteSwap32(arr) {
  for (let i = 0; i < arr.length; i++) {
    arr[i] = byteSwap(arr[i]);
  }
  return arr;
}
var swap32IfBE = isLE ? (u) => u : byteSwap32;
function overlapBytes(a, b) {
  if (!a.byteLength || !b.byteLength)
    return false;
  return a.buffer === b.buffer && // best we can do, may fail with an obscure Proxy
  a.byteOffset < b.byteOffset + b.byteLength && // a starts before b end
  b.byteOffset < a.byteOffset + a.byteLength;
}
function complexOverlapBytes(input, output) {
  if (overlapBytes(input, output) && input.byteOffset < output.byteOffset)
    throw new Error("complex overlap of input and output is not supported");
}
function checkOpts(defaults, opts2) {
  aobject(defaults, "defaults");
  aobject(opts2, "opts");
  const merged = Object.assign(defaults, opts2);
  return merged;
}
function equalBytes(a, b) {
  a = abytes(a);
  b = abytes(b);
  if (a.length !== b.length)
    return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++)
    diff |= a[i] ^ b[i];
  return diff === 0;
}
function wrapMacConstructor(keyLen, macCons, fromMsg) {
  const mac = macCons;
  const getArgs = fromMsg || (() => []);
  const macC = (msg, key) => mac(key, ...getArgs(msg)).update(msg).digest();
  const tmp = mac(new Uint8Array(keyLen), ...getArgs(new Uint8Array(0)));
  macC.outputLen = tmp.outputLen;
  macC.blockLen = tmp.blockLen;
  macC.create = (key, ...args) => mac(key, ...args);
  return macC;
}
var wrapCipher = /* @__NO_SIDE_EFFECTS__ */ (params, constructor) => {
  function wrappedCipher(key, ...args) {
    abytes(key, void 0, "key");
    if (params.nonceLength !== void 0) {
      const nonce = args[0];
      abytes(nonce, params.varSizeNonce ? void 0 : params.nonceLength, "nonce");
    }
    const tagl = params.tagLength;
    const aadStart = params.nonceLength !== void 0 ? 1 : 0;
    if (!params.withAAD) {
      for (let i = aadStart; i < args.length; i++)
        if (isBytes(args[i]))
          throw new Error("AAD not supported");
    }
    if (params.withAAD && args[aadStart] !== void 0)
      abytes(args[aadStart], void 0, "AAD");
    const cipher = constructor(key, ...args);
    const checkOutput = (fnLength, output) => {
      if (output !== void 0) {
        if (fnLength !== 2)
          throw new Error("cipher output not supported");
        abytes(output, void 0, "output");
      }
    };
    let called = false;
    const wrCipher = {
      encrypt(data, output) {
        if (called)
          throw new Error("cannot encrypt() twice with same key + nonce");
        called = true;
        abytes(data, void 0, "data");
        checkOutput(cipher.encrypt.length, output);
        return cipher.encrypt(data, output);
      },
      decrypt(data, output) {
        abytes(data, void 0, "data");
        if (tagl && data.length < tagl)
          throw new Error('"ciphertext" expected length >= tagLength=' + tagl);
        checkOutput(cipher.decrypt.length, output);
        return cipher.decrypt(data, output);
      }
    };
    return wrCipher;
  }
  Object.assign(wrappedCipher, params);
  return wrappedCipher;
};
function getOutput(expectedLength, out, onlyAligned = true) {
  if (out === void 0)
    return new Uint8Array(expectedLength);
  abytes(out, expectedLength, "output");
  if (onlyAligned && !isAligned32(out))
    throw new Error("invalid output, must be aligned");
  return out;
}
function u64Lengths(dataLength, aadLength, isLE3) {
  anumber(dataLength);
  anumber(aadLength);
  abool(isLE3);
  const num = new Uint8Array(16);
  const view = createView(num);
  view.setBigUint64(0, BigInt(aadLength), isLE3);
  view.setBigUint64(8, BigInt(dataLength), isLE3);
  return num;
}
function isAligned32(bytes) {
  return bytes.byteOffset % 4 === 0;
}
function copyBytes(bytes) {
  return Uint8Array.from(abytes(bytes));
}

// node_modules/@noble/ciphers/_polyval.js
var BLOCK_SIZE = 16;
var ZEROS16 = /* @__PURE__ */ new Uint8Array(16);
var ZEROS32 = /* @__PURE__ */ u32(ZEROS16);
var POLY = 225;
var mul2 = (s0, s1, s2, s3) => {
  const hiBit = s3 & 1;
  return {
    s3: s2 << 31 | s3 >>> 1,
    s2: s1 << 31 | s2 >>> 1,
    s1: s0 << 31 | s1 >>> 1,
    // NIST SP 800-38D §6.3 applies `V >> 1` and XORs R on carry. In this
    // 4x32-bit split, R = 0xe1 || 0^120 lives in the top byte of s0.
    s0: s0 >>> 1 ^ POLY << 24 & -(hiBit & 1)
    // reduce % poly
  };
};
var swapLE = (n) => (n >>> 0 & 255) << 24 | (n >>> 8 & 255) << 16 | (n >>> 16 & 255) << 8 | n >>> 24 & 255 | 0;
var estimateWindow = (bytes) => {
  if (bytes > 64 * 1024)
    return 8;
  if (bytes > 1024)
    return 4;
  return 2;
};
var GHASH = class {
  blockLen = BLOCK_SIZE;
  outputLen = BLOCK_SIZE;
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  finished = false;
  destroyed = false;
  t;
  W;
  windowSize;
  // We select bits per window adaptively based on expectedLength
  constructor(key, expectedLength) {
    abytes(key, 16, "key");
    key = copyBytes(key);
    const kView = createView(key);
    let k0 = kView.getUint32(0, false);
    let k1 = kView.getUint32(4, false);
    let k2 = kView.getUint32(8, false);
    let k3 = kView.getUint32(12, false);
    const doubles = [];
    for (let i = 0; i < 128; i++) {
      doubles.push({ s0: swapLE(k0), s1: swapLE(k1), s2: swapLE(k2), s3: swapLE(k3) });
      ({ s0: k0, s1: k1, s2: k2, s3: k3 } = mul2(k0, k1, k2, k3));
    }
    const W = estimateWindow(expectedLength || 1024);
    if (![1, 2, 4, 8].includes(W))
      throw new Error("ghash: invalid window size, expected 2, 4 or 8");
    this.W = W;
    const bits = 128;
    const windows = bits / W;
    const windowSize = this.windowSize = 2 ** W;
    const items = [];
    for (let w = 0; w < windows; w++) {
      for (let byte = 0; byte < windowSize; byte++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = 0; j < W; j++) {
          const bit = byte >>> W - j - 1 & 1;
          if (!bit)
            continue;
          const { s0: d0, s1: d1, s2: d2, s3: d3 } = doubles[W * w + j];
          s0 ^= d0, s1 ^= d1, s2 ^= d2, s3 ^= d3;
        }
        items.push({ s0, s1, s2, s3 });
      }
    }
    this.t = items;
  }
  _updateBlock(s0, s1, s2, s3) {
    s0 ^= this.s0, s1 ^= this.s1, s2 ^= this.s2, s3 ^= this.s3;
    const { W, t, windowSize } = this;
    let o0 = 0, o1 = 0, o2 = 0, o3 = 0;
    const mask = (1 << W) - 1;
    let w = 0;
    for (const num of [s0, s1, s2, s3]) {
      for (let bytePos = 0; bytePos < 4; bytePos++) {
        const byte = num >>> 8 * bytePos & 255;
        for (let bitPos = 8 / W - 1; bitPos >= 0; bitPos--) {
          const bit = byte >>> W * bitPos & mask;
          const { s0: e0, s1: e1, s2: e2, s3: e3 } = t[w * windowSize + bit];
          o0 ^= e0, o1 ^= e1, o2 ^= e2, o3 ^= e3;
          w += 1;
        }
      }
    }
    this.s0 = o0;
    this.s1 = o1;
    this.s2 = o2;
    this.s3 = o3;
  }
  update(data) {
    aexists(this);
    abytes(data);
    data = copyBytes(data);
    const b32 = u32(data);
    const blocks = Math.floor(data.length / BLOCK_SIZE);
    const left = data.length % BLOCK_SIZE;
    for (let i = 0; i < blocks; i++) {
      this._updateBlock(swap8IfBE(b32[i * 4 + 0]), swap8IfBE(b32[i * 4 + 1]), swap8IfBE(b32[i * 4 + 2]), swap8IfBE(b32[i * 4 + 3]));
    }
    if (left) {
      ZEROS16.set(data.subarray(blocks * BLOCK_SIZE));
      this._updateBlock(swap8IfBE(ZEROS32[0]), swap8IfBE(ZEROS32[1]), swap8IfBE(ZEROS32[2]), swap8IfBE(ZEROS32[3]));
      clean(ZEROS32);
    }
    return this;
  }
  destroy() {
    this.destroyed = true;
    const { t } = this;
    for (const elm of t) {
      elm.s0 = 0, elm.s1 = 0, elm.s2 = 0, elm.s3 = 0;
    }
  }
  digestInto(out) {
    aexists(this);
    aoutput32(out, this);
    this.finished = true;
    const { s0, s1, s2, s3 } = this;
    const o32 = u32(out);
    o32[0] = s0;
    o32[1] = s1;
    o32[2] = s2;
    o32[3] = s3;
    if (!isLE)
      swap32IfBE(o32.subarray(0, BLOCK_SIZE / 4));
  }
  digest() {
    const res = new Uint8Array(BLOCK_SIZE);
    this.digestInto(res);
    this.destroy();
    return res;
  }
};
var ghash = /* @__PURE__ */ wrapMacConstructor(16, (key, expectedLength) => new GHASH(key, expectedLength), (msg) => [msg.length]);

// node_modules/@noble/ciphers/aes.js
var BLOCK_SIZE2 = 16;
var BLOCK_SIZE32 = 4;
var EMPTY_BLOCK = /* @__PURE__ */ new Uint8Array(BLOCK_SIZE2);
var POLY2 = 283;
function validateKeyLength(key) {
  if (![16, 24, 32].includes(key.length))
    throw new Error('"aes key" expected Uint8Array of length 16/24/32, got length=' + key.length);
}
function mul22(n) {
  return n << 1 ^ POLY2 & -(n >> 7);
}
function mul(a, b) {
  let res = 0;
  for (; b > 0; b >>= 1) {
    res ^= a & -(b & 1);
    a = mul22(a);
  }
  return res;
}
var sbox = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let i = 0, x = 1; i < 256; i++, x ^= mul22(x))
    t[i] = x;
  const box = new Uint8Array(256);
  box[0] = 99;
  for (let i = 0; i < 255; i++) {
    let x = t[255 - i];
    x |= x << 8;
    box[t[i]] = (x ^ x >> 4 ^ x >> 5 ^ x >> 6 ^ x >> 7 ^ 99) & 255;
  }
  clean(t);
  return box;
})();
var rotr32_8 = (n) => n << 24 | n >>> 8;
var rotl32_8 = (n) => n << 8 | n >>> 24;
function genTtable(sbox2, fn) {
  if (sbox2.length !== 256)
    throw new Error("wrong sbox length");
  const T0 = new Uint32Array(256).map((_, j) => fn(sbox2[j]));
  const T1 = T0.map(rotl32_8);
  const T2 = T1.map(rotl32_8);
  const T3 = T2.map(rotl32_8);
  const T01 = new Uint32Array(256 * 256);
  const T23 = new Uint32Array(256 * 256);
  const sbox22 = new Uint16Array(256 * 256);
  for (let i = 0; i < 256; i++) {
    for (let j = 0; j < 256; j++) {
      const idx = i * 256 + j;
      T01[idx] = T0[i] ^ T1[j];
      T23[idx] = T2[i] ^ T3[j];
      sbox22[idx] = sbox2[i] << 8 | sbox2[j];
    }
  }
  return { sbox: sbox2, sbox2: sbox22, T0, T1, T2, T3, T01, T23 };
}
var tableEncoding = /* @__PURE__ */ genTtable(sbox, (s) => mul(s, 3) << 24 | s << 16 | s << 8 | mul(s, 2));
var xPowers = /* @__PURE__ */ (() => {
  const p = new Uint8Array(16);
  for (let i = 0, x = 1; i < 16; i++, x = mul22(x))
    p[i] = x;
  return p;
})();
function expandKeyLE(key) {
  abytes(key);
  const len = key.length;
  validateKeyLength(key);
  const { sbox2 } = tableEncoding;
  const toClean = [];
  if (!isLE || !isAligned32(key))
    toClean.push(key = copyBytes(key));
  const k32 = swap32IfBE(u32(key));
  const Nk = k32.length;
  const subByte = (n) => applySbox(sbox2, n, n, n, n);
  const xk = new Uint32Array(len + 28);
  xk.set(k32);
  for (let i = Nk; i < xk.length; i++) {
    let t = xk[i - 1];
    if (i % Nk === 0)
      t = subByte(rotr32_8(t)) ^ xPowers[i / Nk - 1];
    else if (Nk > 6 && i % Nk === 4)
      t = subByte(t);
    xk[i] = xk[i - Nk] ^ t;
  }
  clean(...toClean);
  return xk;
}
function apply0123(T01, T23, s0, s1, s2, s3) {
  return T01[s0 << 8 & 65280 | s1 >>> 8 & 255] ^ T23[s2 >>> 8 & 65280 | s3 >>> 24 & 255];
}
function applySbox(sbox2, s0, s1, s2, s3) {
  return sbox2[s0 & 255 | s1 & 65280] | sbox2[s2 >>> 16 & 255 | s3 >>> 16 & 65280] << 16;
}
function encrypt(xk, s0, s1, s2, s3) {
  const { sbox2, T01, T23 } = tableEncoding;
  let k = 0;
  s0 ^= xk[k++], s1 ^= xk[k++], s2 ^= xk[k++], s3 ^= xk[k++];
  const rounds = xk.length / 4 - 2;
  for (let i = 0; i < rounds; i++) {
    const t02 = xk[k++] ^ apply0123(T01, T23, s0, s1, s2, s3);
    const t12 = xk[k++] ^ apply0123(T01, T23, s1, s2, s3, s0);
    const t22 = xk[k++] ^ apply0123(T01, T23, s2, s3, s0, s1);
    const t32 = xk[k++] ^ apply0123(T01, T23, s3, s0, s1, s2);
    s0 = t02, s1 = t12, s2 = t22, s3 = t32;
  }
  const t0 = xk[k++] ^ applySbox(sbox2, s0, s1, s2, s3);
  const t1 = xk[k++] ^ applySbox(sbox2, s1, s2, s3, s0);
  const t2 = xk[k++] ^ applySbox(sbox2, s2, s3, s0, s1);
  const t3 = xk[k++] ^ applySbox(sbox2, s3, s0, s1, s2);
  return { s0: t0, s1: t1, s2: t2, s3: t3 };
}
function ctr32(xk, isLE3, nonce, src, dst) {
  abytes(nonce, BLOCK_SIZE2, "nonce");
  abytes(src);
  dst = getOutput(src.length, dst);
  const ctr = nonce;
  const c32 = u32(ctr);
  const view = createView(ctr);
  const src32 = u32(src);
  const dst32 = u32(dst);
  const ctrPos = isLE3 ? 0 : 12;
  const srcLen = src.length;
  let ctrNum = view.getUint32(ctrPos, isLE3);
  for (let i = 0; i + 4 <= src32.length; i += 4) {
    const { s0, s1, s2, s3 } = encrypt(xk, swap8IfBE(c32[0]), swap8IfBE(c32[1]), swap8IfBE(c32[2]), swap8IfBE(c32[3]));
    dst32[i + 0] = src32[i + 0] ^ swap8IfBE(s0);
    dst32[i + 1] = src32[i + 1] ^ swap8IfBE(s1);
    dst32[i + 2] = src32[i + 2] ^ swap8IfBE(s2);
    dst32[i + 3] = src32[i + 3] ^ swap8IfBE(s3);
    ctrNum = ctrNum + 1 >>> 0;
    view.setUint32(ctrPos, ctrNum, isLE3);
  }
  const start = BLOCK_SIZE2 * Math.floor(src32.length / BLOCK_SIZE32);
  if (start < srcLen) {
    const { s0, s1, s2, s3 } = encrypt(xk, swap8IfBE(c32[0]), swap8IfBE(c32[1]), swap8IfBE(c32[2]), swap8IfBE(c32[3]));
    const b32 = new Uint32Array([s0, s1, s2, s3]);
    swap32IfBE(b32);
    const buf = u8(b32);
    for (let i = start, pos = 0; i < srcLen; i++, pos++)
      dst[i] = src[i] ^ buf[pos];
    clean(b32);
  }
  return dst;
}
function computeTag(fn, isLE3, key, data, AAD) {
  const aadLength = AAD ? AAD.length : 0;
  const h = fn.create(key, data.length + aadLength);
  if (AAD)
    h.update(AAD);
  const num = u64Lengths(8 * data.length, 8 * aadLength, isLE3);
  h.update(data);
  h.update(num);
  const res = h.digest();
  clean(num);
  return res;
}
var gcm = /* @__PURE__ */ wrapCipher({ blockSize: 16, nonceLength: 12, tagLength: 16, withAAD: true, varSizeNonce: true }, function aesgcm(key, nonce, AAD) {
  if (nonce.length < 8)
    throw new Error("aes/gcm: invalid nonce length");
  const tagLength = 16;
  function _computeTag(authKey, tagMask, data) {
    const tag = computeTag(ghash, false, authKey, data, AAD);
    for (let i = 0; i < tagMask.length; i++)
      tag[i] ^= tagMask[i];
    return tag;
  }
  function deriveKeys() {
    const xk = expandKeyLE(key);
    const authKey = EMPTY_BLOCK.slice();
    const counter = EMPTY_BLOCK.slice();
    ctr32(xk, false, counter, counter, authKey);
    if (nonce.length === 12) {
      counter.set(nonce);
    } else {
      const nonceLen = EMPTY_BLOCK.slice();
      const view = createView(nonceLen);
      view.setBigUint64(8, BigInt(nonce.length * 8), false);
      const g = ghash.create(authKey).update(nonce).update(nonceLen);
      g.digestInto(counter);
      g.destroy();
    }
    const tagMask = ctr32(xk, false, counter, EMPTY_BLOCK);
    return { xk, authKey, counter, tagMask };
  }
  return {
    encrypt(plaintext) {
      const { xk, authKey, counter, tagMask } = deriveKeys();
      const out = new Uint8Array(plaintext.length + tagLength);
      const toClean = [xk, authKey, counter, tagMask];
      if (!isAligned32(plaintext))
        toClean.push(plaintext = copyBytes(plaintext));
      ctr32(xk, false, counter, plaintext, out.subarray(0, plaintext.length));
      const tag = _computeTag(authKey, tagMask, out.subarray(0, out.length - tagLength));
      toClean.push(tag);
      out.set(tag, plaintext.length);
      clean(...toClean);
      return out;
    },
    decrypt(ciphertext) {
      const { xk, authKey, counter, tagMask } = deriveKeys();
      const toClean = [xk, authKey, tagMask, counter];
      if (!isAligned32(ciphertext))
        toClean.push(ciphertext = copyBytes(ciphertext));
      const data = ciphertext.subarray(0, -tagLength);
      const passedTag = ciphertext.subarray(-tagLength);
      const tag = _computeTag(authKey, tagMask, data);
      toClean.push(tag);
      if (!equalBytes(tag, passedTag)) {
        clean(...toClean);
        throw new Error("aes-gcm: invalid tag");
      }
      const out = ctr32(xk, false, counter, data);
      clean(...toClean);
      return out;
    }
  };
});

// node_modules/@noble/ciphers/_arx.js
var encodeStr = (str) => Uint8Array.from(str.split(""), (c) => c.charCodeAt(0));
var sigma16_32 = /* @__PURE__ */ (() => swap32IfBE(u32(encodeStr("expand 16-byte k"))))();
var sigma32_32 = /* @__PURE__ */ (() => swap32IfBE(u32(encodeStr("expand 32-byte k"))))();
function rotl(a, b) {
  return a << b | a >>> 32 - b;
}
var BLOCK_LEN = 64;
var BLOCK_LEN32 = 16;
var MAX_COUNTER = /* @__PURE__ */ (() => 2 ** 32 - 1)();
var U32_EMPTY = /* @__PURE__ */ Uint32Array.of();
function runCipher(core, sigma, key, nonce, data, output, counter, rounds) {
  const len = data.length;
  const block = new Uint8Array(BLOCK_LEN);
  const b32 = u32(block);
  const isAligned = isLE && isAligned32(data) && isAligned32(output);
  const d32 = isAligned ? u32(data) : U32_EMPTY;
  const o32 = isAligned ? u32(output) : U32_EMPTY;
  if (!isLE) {
    for (let pos = 0; pos < len; counter++) {
      core(sigma, key, nonce, b32, counter, rounds);
      swap32IfBE(b32);
      if (counter >= MAX_COUNTER)
        throw new Error("arx: counter overflow");
      const take = Math.min(BLOCK_LEN, len - pos);
      for (let j = 0, posj; j < take; j++) {
        posj = pos + j;
        output[posj] = data[posj] ^ block[j];
      }
      pos += take;
    }
    return;
  }
  for (let pos = 0; pos < len; counter++) {
    core(sigma, key, nonce, b32, counter, rounds);
    if (counter >= MAX_COUNTER)
      throw new Error("arx: counter overflow");
    const take = Math.min(BLOCK_LEN, len - pos);
    if (isAligned && take === BLOCK_LEN) {
      const pos32 = pos / 4;
      if (pos % 4 !== 0)
        throw new Error("arx: invalid block position");
      for (let j = 0, posj; j < BLOCK_LEN32; j++) {
        posj = pos32 + j;
        o32[posj] = d32[posj] ^ b32[j];
      }
      pos += BLOCK_LEN;
      continue;
    }
    for (let j = 0, posj; j < take; j++) {
      posj = pos + j;
      output[posj] = data[posj] ^ block[j];
    }
    pos += take;
  }
}
function createCipher(core, opts2) {
  const { allowShortKeys, extendNonceFn, counterLength, counterRight, rounds } = checkOpts({ allowShortKeys: false, counterLength: 8, counterRight: false, rounds: 20 }, opts2);
  if (typeof core !== "function")
    throw new Error("core must be a function");
  anumber(counterLength);
  anumber(rounds);
  abool(counterRight);
  abool(allowShortKeys);
  return (key, nonce, data, output, counter = 0) => {
    abytes(key, void 0, "key");
    abytes(nonce, void 0, "nonce");
    abytes(data, void 0, "data");
    const len = data.length;
    const hasOutput = output !== void 0;
    output = getOutput(len, output, false);
    if (hasOutput)
      complexOverlapBytes(data, output);
    anumber(counter);
    if (counter < 0 || counter >= MAX_COUNTER)
      throw new Error("arx: counter overflow");
    const toClean = [];
    let l = key.length;
    let k;
    let sigma;
    if (l === 32) {
      toClean.push(k = copyBytes(key));
      sigma = sigma32_32;
    } else if (l === 16 && allowShortKeys) {
      k = new Uint8Array(32);
      k.set(key);
      k.set(key, 16);
      sigma = sigma16_32;
      toClean.push(k);
    } else {
      abytes(key, 32, "arx key");
      throw new Error("invalid key size");
    }
    if (!isLE || !isAligned32(nonce))
      toClean.push(nonce = copyBytes(nonce));
    let k32 = u32(k);
    if (extendNonceFn) {
      if (nonce.length !== 24)
        throw new Error("arx: extended nonce must be 24 bytes");
      const n16 = nonce.subarray(0, 16);
      if (isLE)
        extendNonceFn(sigma, k32, u32(n16), k32);
      else {
        const sigmaRaw = swap32IfBE(Uint32Array.from(sigma));
        extendNonceFn(sigmaRaw, k32, u32(n16), k32);
        clean(sigmaRaw);
        swap32IfBE(k32);
      }
      nonce = nonce.subarray(16);
    } else if (!isLE)
      swap32IfBE(k32);
    const nonceNcLen = 16 - counterLength;
    if (nonceNcLen !== nonce.length)
      throw new Error(`arx: nonce must be ${nonceNcLen} or 16 bytes`);
    if (nonceNcLen !== 12) {
      const nc = new Uint8Array(12);
      nc.set(nonce, counterRight ? 0 : 12 - nonce.length);
      nonce = nc;
      toClean.push(nonce);
    }
    const n32 = swap32IfBE(u32(nonce));
    try {
      runCipher(core, sigma, k32, n32, data, output, counter, rounds);
      return output;
    } finally {
      clean(...toClean);
    }
  };
}

// node_modules/@noble/ciphers/_poly1305.js
function u8to16(a, i) {
  return a[i++] & 255 | (a[i++] & 255) << 8;
}
var Poly1305 = class {
  blockLen = 16;
  outputLen = 16;
  buffer = new Uint8Array(16);
  r = new Uint16Array(10);
  // Allocating 1 array with .subarray() here is slower than 3
  h = new Uint16Array(10);
  pad = new Uint16Array(8);
  pos = 0;
  finished = false;
  destroyed = false;
  // Can be speed-up using BigUint64Array, at the cost of complexity
  constructor(key) {
    key = copyBytes(abytes(key, 32, "key"));
    const t0 = u8to16(key, 0);
    const t1 = u8to16(key, 2);
    const t2 = u8to16(key, 4);
    const t3 = u8to16(key, 6);
    const t4 = u8to16(key, 8);
    const t5 = u8to16(key, 10);
    const t6 = u8to16(key, 12);
    const t7 = u8to16(key, 14);
    this.r[0] = t0 & 8191;
    this.r[1] = (t0 >>> 13 | t1 << 3) & 8191;
    this.r[2] = (t1 >>> 10 | t2 << 6) & 7939;
    this.r[3] = (t2 >>> 7 | t3 << 9) & 8191;
    this.r[4] = (t3 >>> 4 | t4 << 12) & 255;
    this.r[5] = t4 >>> 1 & 8190;
    this.r[6] = (t4 >>> 14 | t5 << 2) & 8191;
    this.r[7] = (t5 >>> 11 | t6 << 5) & 8065;
    this.r[8] = (t6 >>> 8 | t7 << 8) & 8191;
    this.r[9] = t7 >>> 5 & 127;
    for (let i = 0; i < 8; i++)
      this.pad[i] = u8to16(key, 16 + 2 * i);
  }
  process(data, offset, isLast = false) {
    const hibit = isLast ? 0 : 1 << 11;
    const { h, r } = this;
    const r0 = r[0];
    const r1 = r[1];
    const r2 = r[2];
    const r3 = r[3];
    const r4 = r[4];
    const r5 = r[5];
    const r6 = r[6];
    const r7 = r[7];
    const r8 = r[8];
    const r9 = r[9];
    const t0 = u8to16(data, offset + 0);
    const t1 = u8to16(data, offset + 2);
    const t2 = u8to16(data, offset + 4);
    const t3 = u8to16(data, offset + 6);
    const t4 = u8to16(data, offset + 8);
    const t5 = u8to16(data, offset + 10);
    const t6 = u8to16(data, offset + 12);
    const t7 = u8to16(data, offset + 14);
    let h0 = h[0] + (t0 & 8191);
    let h1 = h[1] + ((t0 >>> 13 | t1 << 3) & 8191);
    let h2 = h[2] + ((t1 >>> 10 | t2 << 6) & 8191);
    let h3 = h[3] + ((t2 >>> 7 | t3 << 9) & 8191);
    let h4 = h[4] + ((t3 >>> 4 | t4 << 12) & 8191);
    let h5 = h[5] + (t4 >>> 1 & 8191);
    let h6 = h[6] + ((t4 >>> 14 | t5 << 2) & 8191);
    let h7 = h[7] + ((t5 >>> 11 | t6 << 5) & 8191);
    let h8 = h[8] + ((t6 >>> 8 | t7 << 8) & 8191);
    let h9 = h[9] + (t7 >>> 5 | hibit);
    let c = 0;
    let d0 = c + h0 * r0 + h1 * (5 * r9) + h2 * (5 * r8) + h3 * (5 * r7) + h4 * (5 * r6);
    c = d0 >>> 13;
    d0 &= 8191;
    d0 += h5 * (5 * r5) + h6 * (5 * r4) + h7 * (5 * r3) + h8 * (5 * r2) + h9 * (5 * r1);
    c += d0 >>> 13;
    d0 &= 8191;
    let d1 = c + h0 * r1 + h1 * r0 + h2 * (5 * r9) + h3 * (5 * r8) + h4 * (5 * r7);
    c = d1 >>> 13;
    d1 &= 8191;
    d1 += h5 * (5 * r6) + h6 * (5 * r5) + h7 * (5 * r4) + h8 * (5 * r3) + h9 * (5 * r2);
    c += d1 >>> 13;
    d1 &= 8191;
    let d2 = c + h0 * r2 + h1 * r1 + h2 * r0 + h3 * (5 * r9) + h4 * (5 * r8);
    c = d2 >>> 13;
    d2 &= 8191;
    d2 += h5 * (5 * r7) + h6 * (5 * r6) + h7 * (5 * r5) + h8 * (5 * r4) + h9 * (5 * r3);
    c += d2 >>> 13;
    d2 &= 8191;
    let d3 = c + h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * (5 * r9);
    c = d3 >>> 13;
    d3 &= 8191;
    d3 += h5 * (5 * r8) + h6 * (5 * r7) + h7 * (5 * r6) + h8 * (5 * r5) + h9 * (5 * r4);
    c += d3 >>> 13;
    d3 &= 8191;
    let d4 = c + h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
    c = d4 >>> 13;
    d4 &= 8191;
    d4 += h5 * (5 * r9) + h6 * (5 * r8) + h7 * (5 * r7) + h8 * (5 * r6) + h9 * (5 * r5);
    c += d4 >>> 13;
    d4 &= 8191;
    let d5 = c + h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1;
    c = d5 >>> 13;
    d5 &= 8191;
    d5 += h5 * r0 + h6 * (5 * r9) + h7 * (5 * r8) + h8 * (5 * r7) + h9 * (5 * r6);
    c += d5 >>> 13;
    d5 &= 8191;
    let d6 = c + h0 * r6 + h1 * r5 + h2 * r4 + h3 * r3 + h4 * r2;
    c = d6 >>> 13;
    d6 &= 8191;
    d6 += h5 * r1 + h6 * r0 + h7 * (5 * r9) + h8 * (5 * r8) + h9 * (5 * r7);
    c += d6 >>> 13;
    d6 &= 8191;
    let d7 = c + h0 * r7 + h1 * r6 + h2 * r5 + h3 * r4 + h4 * r3;
    c = d7 >>> 13;
    d7 &= 8191;
    d7 += h5 * r2 + h6 * r1 + h7 * r0 + h8 * (5 * r9) + h9 * (5 * r8);
    c += d7 >>> 13;
    d7 &= 8191;
    let d8 = c + h0 * r8 + h1 * r7 + h2 * r6 + h3 * r5 + h4 * r4;
    c = d8 >>> 13;
    d8 &= 8191;
    d8 += h5 * r3 + h6 * r2 + h7 * r1 + h8 * r0 + h9 * (5 * r9);
    c += d8 >>> 13;
    d8 &= 8191;
    let d9 = c + h0 * r9 + h1 * r8 + h2 * r7 + h3 * r6 + h4 * r5;
    c = d9 >>> 13;
    d9 &= 8191;
    d9 += h5 * r4 + h6 * r3 + h7 * r2 + h8 * r1 + h9 * r0;
    c += d9 >>> 13;
    d9 &= 8191;
    c = (c << 2) + c | 0;
    c = c + d0 | 0;
    d0 = c & 8191;
    c = c >>> 13;
    d1 += c;
    h[0] = d0;
    h[1] = d1;
    h[2] = d2;
    h[3] = d3;
    h[4] = d4;
    h[5] = d5;
    h[6] = d6;
    h[7] = d7;
    h[8] = d8;
    h[9] = d9;
  }
  finalize() {
    const { h, pad } = this;
    const g = new Uint16Array(10);
    let c = h[1] >>> 13;
    h[1] &= 8191;
    for (let i = 2; i < 10; i++) {
      h[i] += c;
      c = h[i] >>> 13;
      h[i] &= 8191;
    }
    h[0] += c * 5;
    c = h[0] >>> 13;
    h[0] &= 8191;
    h[1] += c;
    c = h[1] >>> 13;
    h[1] &= 8191;
    h[2] += c;
    g[0] = h[0] + 5;
    c = g[0] >>> 13;
    g[0] &= 8191;
    for (let i = 1; i < 10; i++) {
      g[i] = h[i] + c;
      c = g[i] >>> 13;
      g[i] &= 8191;
    }
    g[9] -= 1 << 13;
    let mask = (c ^ 1) - 1;
    for (let i = 0; i < 10; i++)
      g[i] &= mask;
    mask = ~mask;
    for (let i = 0; i < 10; i++)
      h[i] = h[i] & mask | g[i];
    h[0] = (h[0] | h[1] << 13) & 65535;
    h[1] = (h[1] >>> 3 | h[2] << 10) & 65535;
    h[2] = (h[2] >>> 6 | h[3] << 7) & 65535;
    h[3] = (h[3] >>> 9 | h[4] << 4) & 65535;
    h[4] = (h[4] >>> 12 | h[5] << 1 | h[6] << 14) & 65535;
    h[5] = (h[6] >>> 2 | h[7] << 11) & 65535;
    h[6] = (h[7] >>> 5 | h[8] << 8) & 65535;
    h[7] = (h[8] >>> 8 | h[9] << 5) & 65535;
    let f = h[0] + pad[0];
    h[0] = f & 65535;
    for (let i = 1; i < 8; i++) {
      f = (h[i] + pad[i] | 0) + (f >>> 16) | 0;
      h[i] = f & 65535;
    }
    clean(g);
  }
  update(data) {
    aexists(this);
    abytes(data);
    data = copyBytes(data);
    const { buffer, blockLen } = this;
    const len = data.length;
    for (let pos = 0; pos < len; ) {
      const take = Math.min(blockLen - this.pos, len - pos);
      if (take === blockLen) {
        for (; blockLen <= len - pos; pos += blockLen)
          this.process(data, pos);
        continue;
      }
      buffer.set(data.subarray(pos, pos + take), this.pos);
      this.pos += take;
      pos += take;
      if (this.pos === blockLen) {
        this.process(buffer, 0, false);
        this.pos = 0;
      }
    }
    return this;
  }
  destroy() {
    this.destroyed = true;
    clean(this.h, this.r, this.buffer, this.pad);
  }
  digestInto(out) {
    aexists(this);
    aoutput(out, this);
    this.finished = true;
    const { buffer, h } = this;
    let { pos } = this;
    if (pos) {
      buffer[pos++] = 1;
      for (; pos < 16; pos++)
        buffer[pos] = 0;
      this.process(buffer, 0, true);
    }
    this.finalize();
    let opos = 0;
    for (let i = 0; i < 8; i++) {
      out[opos++] = h[i] >>> 0;
      out[opos++] = h[i] >>> 8;
    }
  }
  digest() {
    const { buffer, outputLen } = this;
    this.digestInto(buffer);
    const res = buffer.slice(0, outputLen);
    this.destroy();
    return res;
  }
};
var poly1305 = /* @__PURE__ */ wrapMacConstructor(32, (key) => new Poly1305(key));

// node_modules/@noble/ciphers/chacha.js
function chachaCore(s, k, n, out, cnt, rounds = 20) {
  let y00 = s[0], y01 = s[1], y02 = s[2], y03 = s[3], y04 = k[0], y05 = k[1], y06 = k[2], y07 = k[3], y08 = k[4], y09 = k[5], y10 = k[6], y11 = k[7], y12 = cnt, y13 = n[0], y14 = n[1], y15 = n[2];
  let x00 = y00, x01 = y01, x02 = y02, x03 = y03, x04 = y04, x05 = y05, x06 = y06, x07 = y07, x08 = y08, x09 = y09, x10 = y10, x11 = y11, x12 = y12, x13 = y13, x14 = y14, x15 = y15;
  for (let r = 0; r < rounds; r += 2) {
    x00 = x00 + x04 | 0;
    x12 = rotl(x12 ^ x00, 16);
    x08 = x08 + x12 | 0;
    x04 = rotl(x04 ^ x08, 12);
    x00 = x00 + x04 | 0;
    x12 = rotl(x12 ^ x00, 8);
    x08 = x08 + x12 | 0;
    x04 = rotl(x04 ^ x08, 7);
    x01 = x01 + x05 | 0;
    x13 = rotl(x13 ^ x01, 16);
    x09 = x09 + x13 | 0;
    x05 = rotl(x05 ^ x09, 12);
    x01 = x01 + x05 | 0;
    x13 = rotl(x13 ^ x01, 8);
    x09 = x09 + x13 | 0;
    x05 = rotl(x05 ^ x09, 7);
    x02 = x02 + x06 | 0;
    x14 = rotl(x14 ^ x02, 16);
    x10 = x10 + x14 | 0;
    x06 = rotl(x06 ^ x10, 12);
    x02 = x02 + x06 | 0;
    x14 = rotl(x14 ^ x02, 8);
    x10 = x10 + x14 | 0;
    x06 = rotl(x06 ^ x10, 7);
    x03 = x03 + x07 | 0;
    x15 = rotl(x15 ^ x03, 16);
    x11 = x11 + x15 | 0;
    x07 = rotl(x07 ^ x11, 12);
    x03 = x03 + x07 | 0;
    x15 = rotl(x15 ^ x03, 8);
    x11 = x11 + x15 | 0;
    x07 = rotl(x07 ^ x11, 7);
    x00 = x00 + x05 | 0;
    x15 = rotl(x15 ^ x00, 16);
    x10 = x10 + x15 | 0;
    x05 = rotl(x05 ^ x10, 12);
    x00 = x00 + x05 | 0;
    x15 = rotl(x15 ^ x00, 8);
    x10 = x10 + x15 | 0;
    x05 = rotl(x05 ^ x10, 7);
    x01 = x01 + x06 | 0;
    x12 = rotl(x12 ^ x01, 16);
    x11 = x11 + x12 | 0;
    x06 = rotl(x06 ^ x11, 12);
    x01 = x01 + x06 | 0;
    x12 = rotl(x12 ^ x01, 8);
    x11 = x11 + x12 | 0;
    x06 = rotl(x06 ^ x11, 7);
    x02 = x02 + x07 | 0;
    x13 = rotl(x13 ^ x02, 16);
    x08 = x08 + x13 | 0;
    x07 = rotl(x07 ^ x08, 12);
    x02 = x02 + x07 | 0;
    x13 = rotl(x13 ^ x02, 8);
    x08 = x08 + x13 | 0;
    x07 = rotl(x07 ^ x08, 7);
    x03 = x03 + x04 | 0;
    x14 = rotl(x14 ^ x03, 16);
    x09 = x09 + x14 | 0;
    x04 = rotl(x04 ^ x09, 12);
    x03 = x03 + x04 | 0;
    x14 = rotl(x14 ^ x03, 8);
    x09 = x09 + x14 | 0;
    x04 = rotl(x04 ^ x09, 7);
  }
  let oi = 0;
  out[oi++] = y00 + x00 | 0;
  out[oi++] = y01 + x01 | 0;
  out[oi++] = y02 + x02 | 0;
  out[oi++] = y03 + x03 | 0;
  out[oi++] = y04 + x04 | 0;
  out[oi++] = y05 + x05 | 0;
  out[oi++] = y06 + x06 | 0;
  out[oi++] = y07 + x07 | 0;
  out[oi++] = y08 + x08 | 0;
  out[oi++] = y09 + x09 | 0;
  out[oi++] = y10 + x10 | 0;
  out[oi++] = y11 + x11 | 0;
  out[oi++] = y12 + x12 | 0;
  out[oi++] = y13 + x13 | 0;
  out[oi++] = y14 + x14 | 0;
  out[oi++] = y15 + x15 | 0;
}
var chacha20 = /* @__PURE__ */ createCipher(chachaCore, {
  counterRight: false,
  counterLength: 4,
  allowShortKeys: false
});
var ZEROS162 = /* @__PURE__ */ new Uint8Array(16);
var updatePadded = (h, msg) => {
  h.update(msg);
  const leftover = msg.length % 16;
  if (leftover)
    h.update(ZEROS162.subarray(leftover));
};
var ZEROS322 = /* @__PURE__ */ new Uint8Array(32);
function computeTag2(fn, key, nonce, ciphertext, AAD) {
  if (AAD !== void 0)
    abytes(AAD, void 0, "AAD");
  const authKey = fn(key, nonce, ZEROS322);
  const lengths = u64Lengths(ciphertext.length, AAD ? AAD.length : 0, true);
  const h = poly1305.create(authKey);
  if (AAD)
    updatePadded(h, AAD);
  updatePadded(h, ciphertext);
  h.update(lengths);
  const res = h.digest();
  clean(authKey, lengths);
  return res;
}
var _poly1305_aead = (xorStream) => (key, nonce, AAD) => {
  const tagLength = 16;
  return {
    encrypt(plaintext, output) {
      const plength = plaintext.length;
      output = getOutput(plength + tagLength, output, false);
      output.set(plaintext);
      const oPlain = output.subarray(0, -tagLength);
      xorStream(key, nonce, oPlain, oPlain, 1);
      const tag = computeTag2(xorStream, key, nonce, oPlain, AAD);
      output.set(tag, plength);
      clean(tag);
      return output;
    },
    decrypt(ciphertext, output) {
      output = getOutput(ciphertext.length - tagLength, output, false);
      const data = ciphertext.subarray(0, -tagLength);
      const passedTag = ciphertext.subarray(-tagLength);
      const tag = computeTag2(xorStream, key, nonce, data, AAD);
      if (!equalBytes(passedTag, tag)) {
        clean(tag);
        throw new Error("invalid tag");
      }
      output.set(ciphertext.subarray(0, -tagLength));
      xorStream(key, nonce, output, output, 1);
      clean(tag);
      return output;
    }
  };
};
var chacha20poly1305 = /* @__PURE__ */ wrapCipher(
  { blockSize: 64, nonceLength: 12, tagLength: 16, withAAD: true },
  /* @__PURE__ */ _poly1305_aead(chacha20)
);

// node_modules/@noble/hashes/_u64.js
var U32_MASK64 = /* @__PURE__ */ (() => BigInt(2 ** 32 - 1))();
var _32n = /* @__PURE__ */ BigInt(32);
function fromBig(n, le = false) {
  if (le)
    return { h: Number(n & U32_MASK64), l: Number(n >> _32n & U32_MASK64) };
  return { h: Number(n >> _32n & U32_MASK64) | 0, l: Number(n & U32_MASK64) | 0 };
}
function split(lst, le = false) {
  const len = lst.length;
  let Ah = new Uint32Array(len);
  let Al = new Uint32Array(len);
  for (let i = 0; i < len; i++) {
    const { h, l } = fromBig(lst[i], le);
    [Ah[i], Al[i]] = [h, l];
  }
  return [Ah, Al];
}
var fromNumH = (n) => n / 2 ** 32 | 0;
var fromNumL = (n) => n >>> 0;
function setU64FromNum(view, byteOffset, n, isLE3) {
  const h = fromNumH(n);
  const l = fromNumL(n);
  view.setUint32(byteOffset, isLE3 ? l : h, isLE3);
  view.setUint32(byteOffset + 4, isLE3 ? h : l, isLE3);
}
var shrSH = (h, _l, s) => h >>> s;
var shrSL = (h, l, s) => h << 32 - s | l >>> s;
var rotrSH = (h, l, s) => h >>> s | l << 32 - s;
var rotrSL = (h, l, s) => h << 32 - s | l >>> s;
var rotrBH = (h, l, s) => h << 64 - s | l >>> s - 32;
var rotrBL = (h, l, s) => h >>> s - 32 | l << 64 - s;
function add(Ah, Al, Bh, Bl) {
  const l = (Al >>> 0) + (Bl >>> 0);
  return { h: Ah + Bh + (l / 2 ** 32 | 0) | 0, l: l | 0 };
}
var add3L = (Al, Bl, Cl) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0);
var add3H = (low, Ah, Bh, Ch) => Ah + Bh + Ch + (low / 2 ** 32 | 0) | 0;
var add4L = (Al, Bl, Cl, Dl) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0) + (Dl >>> 0);
var add4H = (low, Ah, Bh, Ch, Dh) => Ah + Bh + Ch + Dh + (low / 2 ** 32 | 0) | 0;
var add5L = (Al, Bl, Cl, Dl, El) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0) + (Dl >>> 0) + (El >>> 0);
var add5H = (low, Ah, Bh, Ch, Dh, Eh) => Ah + Bh + Ch + Dh + Eh + (low / 2 ** 32 | 0) | 0;

// node_modules/@noble/hashes/utils.js
function isBytes2(a) {
  return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array" && "BYTES_PER_ELEMENT" in a && a.BYTES_PER_ELEMENT === 1;
}
var atitle2 = (title) => title ? `"${title}" ` : "";
function anumber2(n, title = "") {
  if (typeof n !== "number")
    throw new TypeError(atitle2(title) + "expected number, got " + typeof n);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(atitle2(title) + "expected integer >= 0, got " + n);
  return n;
}
function abool2(value, title = "") {
  if (typeof value !== "boolean")
    throw new TypeError(atitle2(title) + "expected boolean, got type=" + typeof value);
  return value;
}
function abytes2(value, length, title = "") {
  if (isBytes2(value) && (length === void 0 || value.length === length))
    return value;
  if (length !== void 0)
    anumber2(length, "length");
  const bytes = isBytes2(value);
  const ofLen = length !== void 0 ? ` of length ${length}` : "";
  const got = bytes ? `length=${value.length}` : `type=${typeof value}`;
  const message = atitle2(title) + "expected Uint8Array" + ofLen + ", got " + got;
  if (!bytes)
    throw new TypeError(message);
  throw new RangeError(message);
}
function ahash(h) {
  if (typeof h !== "function" || typeof h.create !== "function")
    throw new TypeError("expected hash wrapped by utils.createHasher");
  anumber2(h.outputLen);
  anumber2(h.blockLen);
  if (h.outputLen < 1 || h.blockLen < 1)
    throw new Error("hash blockLen / outputLen must be >= 1");
}
var aobject2 = (value, label) => {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError((label === "object" ? "" : `"${label}" `) + "expected object, got type=" + typeof value);
};
var aopts = (value, label) => {
  aobject2(value, label);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null)
    throw new TypeError(`"${label}" expected plain object`);
  if (Object.hasOwn(value, "__proto__"))
    throw new TypeError(`"${label}.__proto__" is not allowed`);
};
function aexists2(instance, checkFinished = true) {
  if (instance.destroyed)
    throw new Error("hash was destroyed");
  if (checkFinished && instance.finished)
    throw new Error("digest() was already called");
}
function aoutput2(out, instance) {
  abytes2(out, void 0, "output");
  const min = instance.outputLen;
  if (!(out.length >= min)) {
    throw new RangeError('"output" expected length >= ' + min);
  }
}
function u322(arr) {
  return new Uint32Array(arr.buffer, arr.byteOffset, Math.floor(arr.byteLength / 4));
}
function clean2(...arrays) {
  for (let i = 0; i < arrays.length; i++) {
    arrays[i].fill(0);
  }
}
function createView2(arr) {
  return new DataView(arr.buffer, arr.byteOffset, arr.byteLength);
}
function rotr(word, shift) {
  return word << 32 - shift | word >>> shift;
}
var isLE2 = /* @__PURE__ */ (() => new Uint8Array(new Uint32Array([287454020]).buffer)[0] === 68)();
function byteSwap2(word) {
  return word << 24 & 4278190080 | word << 8 & 16711680 | word >>> 8 & 65280 | word >>> 24 & 255;
}
function byteSwap322(arr) {
  for (let i = 0; i < arr.length; i++) {
    arr[i] = byteSwap2(arr[i]);
  }
  return arr;
}
var swap32IfBE2 = isLE2 ? (u) => u : byteSwap322;
var hasHexBuiltin = /* @__PURE__ */ (() => (
  // @ts-ignore
  typeof Uint8Array.from([]).toHex === "function" && typeof Uint8Array.fromHex === "function"
))();
var hexes = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
function bytesToHex(bytes) {
  abytes2(bytes);
  if (hasHexBuiltin)
    return bytes.toHex();
  let hex2 = "";
  for (let i = 0; i < bytes.length; i++) {
    hex2 += hexes[bytes[i]];
  }
  return hex2;
}
function asciiToBase16(ch) {
  return ch >= 48 && ch <= 57 ? ch - 48 : ch >= 65 && ch <= 70 ? ch - (65 - 10) : ch >= 97 && ch <= 102 ? ch - (97 - 10) : void 0;
}
function hexToBytes(hex2) {
  if (typeof hex2 !== "string")
    throw new TypeError("hex string expected, got " + typeof hex2);
  if (hasHexBuiltin) {
    try {
      return Uint8Array.fromHex(hex2);
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new RangeError(error.message);
      throw error;
    }
  }
  const hl = hex2.length;
  const al = hl / 2;
  if (hl % 2)
    throw new RangeError("hex string expected, got unpadded hex of length " + hl);
  const array = new Uint8Array(al);
  for (let ai = 0, hi = 0; ai < al; ai++, hi += 2) {
    const n1 = asciiToBase16(hex2.charCodeAt(hi));
    const n2 = asciiToBase16(hex2.charCodeAt(hi + 1));
    if (n1 === void 0 || n2 === void 0) {
      const char = hex2[hi] + hex2[hi + 1];
      throw new RangeError('hex string expected, got non-hex character "' + char + '" at index ' + hi);
    }
    array[ai] = n1 * 16 + n2;
  }
  return array;
}
function concatBytes3(...arrays) {
  let sum = 0;
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i];
    abytes2(a);
    sum += a.length;
  }
  const res = new Uint8Array(sum);
  for (let i = 0, pad = 0; i < arrays.length; i++) {
    const a = arrays[i];
    res.set(a, pad);
    pad += a.length;
  }
  return res;
}
function checkOpts2(defaults, opts2, title = "opts") {
  aopts(defaults, "defaults");
  if (opts2 !== void 0)
    aopts(opts2, title);
  const merged = Object.assign(/* @__PURE__ */ Object.create(null), defaults, opts2);
  return merged;
}
function createHasher(hashCons, info = {}) {
  if (typeof hashCons !== "function")
    throw new TypeError('"hashCons" expected function, got type=' + typeof hashCons);
  info = checkOpts2({}, info, "info");
  const hashC = (msg, opts2) => hashCons(opts2).update(msg).digest();
  const tmp = hashCons(void 0);
  hashC.outputLen = tmp.outputLen;
  hashC.blockLen = tmp.blockLen;
  hashC.canXOF = tmp.canXOF;
  hashC.create = (opts2) => hashCons(opts2);
  Object.assign(hashC, info);
  return Object.freeze(hashC);
}
function randomBytes2(bytesLength = 32) {
  anumber2(bytesLength, "bytesLength");
  const cr = typeof globalThis === "object" ? globalThis.crypto : null;
  if (typeof cr?.getRandomValues !== "function")
    throw new Error("crypto.getRandomValues must be defined");
  if (bytesLength > 65536)
    throw new RangeError(`"bytesLength" expected <= 65536, got ${bytesLength}`);
  return cr.getRandomValues(new Uint8Array(bytesLength));
}
var oidNist = (suffix) => ({
  // Current NIST hashAlgs suffixes used here fit in one DER subidentifier octet.
  // Larger suffix values would need base-128 OID encoding and a different length byte.
  oid: Uint8Array.from([6, 9, 96, 134, 72, 1, 101, 3, 4, 2, suffix])
});

// node_modules/@noble/hashes/_md.js
function Chi(a, b, c) {
  return a & b ^ ~a & c;
}
function Maj(a, b, c) {
  return a & b ^ a & c ^ b & c;
}
var HashMD = class {
  blockLen;
  outputLen;
  canXOF = false;
  padOffset;
  isLE;
  // For partial updates less than block size
  buffer;
  view;
  finished = false;
  length = 0;
  pos = 0;
  destroyed = false;
  constructor(blockLen, outputLen, padOffset, isLE3) {
    this.blockLen = blockLen;
    this.outputLen = outputLen;
    this.padOffset = padOffset;
    this.isLE = isLE3;
    this.buffer = new Uint8Array(blockLen);
    this.view = createView2(this.buffer);
  }
  update(data) {
    aexists2(this);
    abytes2(data);
    const { view, buffer, blockLen } = this;
    const len = data.length;
    let processed = false;
    for (let pos = 0; pos < len; ) {
      const take = Math.min(blockLen - this.pos, len - pos);
      if (take === blockLen) {
        const dataView = createView2(data);
        for (; blockLen <= len - pos; pos += blockLen)
          this.process(dataView, pos);
        processed = true;
        continue;
      }
      buffer.set(pos === 0 && take === len ? data : data.subarray(pos, pos + take), this.pos);
      this.pos += take;
      pos += take;
      if (this.pos === blockLen) {
        this.process(view, 0);
        this.pos = 0;
        processed = true;
      }
    }
    this.length += data.length;
    if (processed)
      this.roundClean();
    return this;
  }
  digestInto(out) {
    aexists2(this);
    aoutput2(out, this);
    this.finished = true;
    const { buffer, view, blockLen, isLE: isLE3 } = this;
    let { pos } = this;
    buffer[pos++] = 128;
    buffer.fill(0, pos);
    if (this.padOffset > blockLen - pos) {
      this.process(view, 0);
      buffer.fill(0);
    }
    setU64FromNum(view, blockLen - 8, this.length * 8, isLE3);
    this.process(view, 0);
    this.roundClean();
    const oview = out === buffer ? view : createView2(out);
    const len = this.outputLen;
    const outLen = len / 4;
    const state = this.get();
    if (len % 4 || outLen > state.length)
      throw new Error("invalid outputLen");
    for (let i = 0; i < outLen; i++)
      oview.setUint32(4 * i, state[i], isLE3);
  }
  digest() {
    const { buffer, outputLen } = this;
    this.digestInto(buffer);
    const res = buffer.slice(0, outputLen);
    this.destroy();
    return res;
  }
  _cloneIntoMeta(to) {
    const { buffer, length, finished, destroyed, pos } = this;
    to.destroyed = destroyed;
    to.finished = finished;
    to.length = length;
    to.pos = pos;
    if (pos)
      to.buffer.set(buffer);
    return to;
  }
  clone() {
    return this._cloneInto();
  }
};
var SHA256_IV = /* @__PURE__ */ Uint32Array.from([
  1779033703,
  3144134277,
  1013904242,
  2773480762,
  1359893119,
  2600822924,
  528734635,
  1541459225
]);
var SHA512_IV = /* @__PURE__ */ Uint32Array.from([
  1779033703,
  4089235720,
  3144134277,
  2227873595,
  1013904242,
  4271175723,
  2773480762,
  1595750129,
  1359893119,
  2917565137,
  2600822924,
  725511199,
  528734635,
  4215389547,
  1541459225,
  327033209
]);

// node_modules/@noble/hashes/sha2.js
var SHA256_K = /* @__PURE__ */ Uint32Array.from([
  1116352408,
  1899447441,
  3049323471,
  3921009573,
  961987163,
  1508970993,
  2453635748,
  2870763221,
  3624381080,
  310598401,
  607225278,
  1426881987,
  1925078388,
  2162078206,
  2614888103,
  3248222580,
  3835390401,
  4022224774,
  264347078,
  604807628,
  770255983,
  1249150122,
  1555081692,
  1996064986,
  2554220882,
  2821834349,
  2952996808,
  3210313671,
  3336571891,
  3584528711,
  113926993,
  338241895,
  666307205,
  773529912,
  1294757372,
  1396182291,
  1695183700,
  1986661051,
  2177026350,
  2456956037,
  2730485921,
  2820302411,
  3259730800,
  3345764771,
  3516065817,
  3600352804,
  4094571909,
  275423344,
  430227734,
  506948616,
  659060556,
  883997877,
  958139571,
  1322822218,
  1537002063,
  1747873779,
  1955562222,
  2024104815,
  2227730452,
  2361852424,
  2428436474,
  2756734187,
  3204031479,
  3329325298
]);
var SHA256_W = /* @__PURE__ */ new Uint32Array(64);
var SHA2_32B = class extends HashMD {
  // We cannot use array here since array allows indexing by variable
  // which means optimizer/compiler cannot use registers.
  // Numeric initializers matter: starting the fields as `undefined` changes
  // V8's field representation and makes sha256 3x slower (measured).
  A = 0;
  B = 0;
  C = 0;
  D = 0;
  E = 0;
  F = 0;
  G = 0;
  H = 0;
  constructor(outputLen, IV) {
    super(64, outputLen, 8, false);
    this.A = IV[0] | 0;
    this.B = IV[1] | 0;
    this.C = IV[2] | 0;
    this.D = IV[3] | 0;
    this.E = IV[4] | 0;
    this.F = IV[5] | 0;
    this.G = IV[6] | 0;
    this.H = IV[7] | 0;
  }
  get() {
    const { A, B: B2, C, D, E, F: F2, G, H } = this;
    return [A, B2, C, D, E, F2, G, H];
  }
  // prettier-ignore
  set(A, B2, C, D, E, F2, G, H) {
    this.A = A | 0;
    this.B = B2 | 0;
    this.C = C | 0;
    this.D = D | 0;
    this.E = E | 0;
    this.F = F2 | 0;
    this.G = G | 0;
    this.H = H | 0;
  }
  _cloneInto(to) {
    (to ||= new this.constructor()).set(...this.get());
    return this._cloneIntoMeta(to);
  }
  process(view, offset) {
    for (let i = 0; i < 16; i++, offset += 4)
      SHA256_W[i] = view.getUint32(offset, false);
    for (let i = 16; i < 64; i++) {
      const W15 = SHA256_W[i - 15];
      const W2 = SHA256_W[i - 2];
      const s0 = rotr(W15, 7) ^ rotr(W15, 18) ^ W15 >>> 3;
      const s1 = rotr(W2, 17) ^ rotr(W2, 19) ^ W2 >>> 10;
      SHA256_W[i] = s1 + SHA256_W[i - 7] + s0 + SHA256_W[i - 16] | 0;
    }
    let { A, B: B2, C, D, E, F: F2, G, H } = this;
    for (let i = 0; i < 64; i++) {
      const sigma1 = rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25);
      const T1 = H + sigma1 + Chi(E, F2, G) + SHA256_K[i] + SHA256_W[i] | 0;
      const sigma0 = rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22);
      const T2 = sigma0 + Maj(A, B2, C) | 0;
      H = G;
      G = F2;
      F2 = E;
      E = D + T1 | 0;
      D = C;
      C = B2;
      B2 = A;
      A = T1 + T2 | 0;
    }
    A = A + this.A | 0;
    B2 = B2 + this.B | 0;
    C = C + this.C | 0;
    D = D + this.D | 0;
    E = E + this.E | 0;
    F2 = F2 + this.F | 0;
    G = G + this.G | 0;
    H = H + this.H | 0;
    this.set(A, B2, C, D, E, F2, G, H);
  }
  roundClean() {
    clean2(SHA256_W);
  }
  destroy() {
    this.destroyed = true;
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    clean2(this.buffer);
  }
};
var _SHA256 = class extends SHA2_32B {
  constructor() {
    super(32, SHA256_IV);
  }
};
var K512 = /* @__PURE__ */ (() => split([
  "0x428a2f98d728ae22",
  "0x7137449123ef65cd",
  "0xb5c0fbcfec4d3b2f",
  "0xe9b5dba58189dbbc",
  "0x3956c25bf348b538",
  "0x59f111f1b605d019",
  "0x923f82a4af194f9b",
  "0xab1c5ed5da6d8118",
  "0xd807aa98a3030242",
  "0x12835b0145706fbe",
  "0x243185be4ee4b28c",
  "0x550c7dc3d5ffb4e2",
  "0x72be5d74f27b896f",
  "0x80deb1fe3b1696b1",
  "0x9bdc06a725c71235",
  "0xc19bf174cf692694",
  "0xe49b69c19ef14ad2",
  "0xefbe4786384f25e3",
  "0x0fc19dc68b8cd5b5",
  "0x240ca1cc77ac9c65",
  "0x2de92c6f592b0275",
  "0x4a7484aa6ea6e483",
  "0x5cb0a9dcbd41fbd4",
  "0x76f988da831153b5",
  "0x983e5152ee66dfab",
  "0xa831c66d2db43210",
  "0xb00327c898fb213f",
  "0xbf597fc7beef0ee4",
  "0xc6e00bf33da88fc2",
  "0xd5a79147930aa725",
  "0x06ca6351e003826f",
  "0x142929670a0e6e70",
  "0x27b70a8546d22ffc",
  "0x2e1b21385c26c926",
  "0x4d2c6dfc5ac42aed",
  "0x53380d139d95b3df",
  "0x650a73548baf63de",
  "0x766a0abb3c77b2a8",
  "0x81c2c92e47edaee6",
  "0x92722c851482353b",
  "0xa2bfe8a14cf10364",
  "0xa81a664bbc423001",
  "0xc24b8b70d0f89791",
  "0xc76c51a30654be30",
  "0xd192e819d6ef5218",
  "0xd69906245565a910",
  "0xf40e35855771202a",
  "0x106aa07032bbd1b8",
  "0x19a4c116b8d2d0c8",
  "0x1e376c085141ab53",
  "0x2748774cdf8eeb99",
  "0x34b0bcb5e19b48a8",
  "0x391c0cb3c5c95a63",
  "0x4ed8aa4ae3418acb",
  "0x5b9cca4f7763e373",
  "0x682e6ff3d6b2b8a3",
  "0x748f82ee5defb2fc",
  "0x78a5636f43172f60",
  "0x84c87814a1f0ab72",
  "0x8cc702081a6439ec",
  "0x90befffa23631e28",
  "0xa4506cebde82bde9",
  "0xbef9a3f7b2c67915",
  "0xc67178f2e372532b",
  "0xca273eceea26619c",
  "0xd186b8c721c0c207",
  "0xeada7dd6cde0eb1e",
  "0xf57d4f7fee6ed178",
  "0x06f067aa72176fba",
  "0x0a637dc5a2c898a6",
  "0x113f9804bef90dae",
  "0x1b710b35131c471b",
  "0x28db77f523047d84",
  "0x32caab7b40c72493",
  "0x3c9ebe0a15c9bebc",
  "0x431d67c49c100d4c",
  "0x4cc5d4becb3e42b6",
  "0x597f299cfc657e2a",
  "0x5fcb6fab3ad6faec",
  "0x6c44198c4a475817"
].map((n) => BigInt(n))))();
var SHA512_Kh = /* @__PURE__ */ (() => K512[0])();
var SHA512_Kl = /* @__PURE__ */ (() => K512[1])();
var SHA512_W_H = /* @__PURE__ */ new Uint32Array(80);
var SHA512_W_L = /* @__PURE__ */ new Uint32Array(80);
var SHA2_64B = class extends HashMD {
  // We cannot use array here since array allows indexing by variable
  // which means optimizer/compiler cannot use registers.
  // h -- high 32 bits, l -- low 32 bits
  // Numeric initializers matter: starting the fields as `undefined` changes
  // V8's field representation and slows hashing down (measured on sha256).
  Ah = 0;
  Al = 0;
  Bh = 0;
  Bl = 0;
  Ch = 0;
  Cl = 0;
  Dh = 0;
  Dl = 0;
  Eh = 0;
  El = 0;
  Fh = 0;
  Fl = 0;
  Gh = 0;
  Gl = 0;
  Hh = 0;
  Hl = 0;
  constructor(outputLen, IV) {
    super(128, outputLen, 16, false);
    this.Ah = IV[0] | 0;
    this.Al = IV[1] | 0;
    this.Bh = IV[2] | 0;
    this.Bl = IV[3] | 0;
    this.Ch = IV[4] | 0;
    this.Cl = IV[5] | 0;
    this.Dh = IV[6] | 0;
    this.Dl = IV[7] | 0;
    this.Eh = IV[8] | 0;
    this.El = IV[9] | 0;
    this.Fh = IV[10] | 0;
    this.Fl = IV[11] | 0;
    this.Gh = IV[12] | 0;
    this.Gl = IV[13] | 0;
    this.Hh = IV[14] | 0;
    this.Hl = IV[15] | 0;
  }
  // prettier-ignore
  get() {
    const { Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl } = this;
    return [Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl];
  }
  // prettier-ignore
  set(Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl) {
    this.Ah = Ah | 0;
    this.Al = Al | 0;
    this.Bh = Bh | 0;
    this.Bl = Bl | 0;
    this.Ch = Ch | 0;
    this.Cl = Cl | 0;
    this.Dh = Dh | 0;
    this.Dl = Dl | 0;
    this.Eh = Eh | 0;
    this.El = El | 0;
    this.Fh = Fh | 0;
    this.Fl = Fl | 0;
    this.Gh = Gh | 0;
    this.Gl = Gl | 0;
    this.Hh = Hh | 0;
    this.Hl = Hl | 0;
  }
  _cloneInto(to) {
    (to ||= new this.constructor()).set(...this.get());
    return this._cloneIntoMeta(to);
  }
  process(view, offset) {
    for (let i = 0; i < 16; i++, offset += 4) {
      SHA512_W_H[i] = view.getUint32(offset);
      SHA512_W_L[i] = view.getUint32(offset += 4);
    }
    for (let i = 16; i < 80; i++) {
      const W15h = SHA512_W_H[i - 15] | 0;
      const W15l = SHA512_W_L[i - 15] | 0;
      const s0h = rotrSH(W15h, W15l, 1) ^ rotrSH(W15h, W15l, 8) ^ shrSH(W15h, W15l, 7);
      const s0l = rotrSL(W15h, W15l, 1) ^ rotrSL(W15h, W15l, 8) ^ shrSL(W15h, W15l, 7);
      const W2h = SHA512_W_H[i - 2] | 0;
      const W2l = SHA512_W_L[i - 2] | 0;
      const s1h = rotrSH(W2h, W2l, 19) ^ rotrBH(W2h, W2l, 61) ^ shrSH(W2h, W2l, 6);
      const s1l = rotrSL(W2h, W2l, 19) ^ rotrBL(W2h, W2l, 61) ^ shrSL(W2h, W2l, 6);
      const SUMl = add4L(s0l, s1l, SHA512_W_L[i - 7], SHA512_W_L[i - 16]);
      const SUMh = add4H(SUMl, s0h, s1h, SHA512_W_H[i - 7], SHA512_W_H[i - 16]);
      SHA512_W_H[i] = SUMh | 0;
      SHA512_W_L[i] = SUMl | 0;
    }
    let { Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl } = this;
    for (let i = 0; i < 80; i++) {
      const sigma1h = rotrSH(Eh, El, 14) ^ rotrSH(Eh, El, 18) ^ rotrBH(Eh, El, 41);
      const sigma1l = rotrSL(Eh, El, 14) ^ rotrSL(Eh, El, 18) ^ rotrBL(Eh, El, 41);
      const CHIh = Eh & Fh ^ ~Eh & Gh;
      const CHIl = El & Fl ^ ~El & Gl;
      const T1ll = add5L(Hl, sigma1l, CHIl, SHA512_Kl[i], SHA512_W_L[i]);
      const T1h = add5H(T1ll, Hh, sigma1h, CHIh, SHA512_Kh[i], SHA512_W_H[i]);
      const T1l = T1ll | 0;
      const sigma0h = rotrSH(Ah, Al, 28) ^ rotrBH(Ah, Al, 34) ^ rotrBH(Ah, Al, 39);
      const sigma0l = rotrSL(Ah, Al, 28) ^ rotrBL(Ah, Al, 34) ^ rotrBL(Ah, Al, 39);
      const MAJh = Ah & Bh ^ Ah & Ch ^ Bh & Ch;
      const MAJl = Al & Bl ^ Al & Cl ^ Bl & Cl;
      Hh = Gh | 0;
      Hl = Gl | 0;
      Gh = Fh | 0;
      Gl = Fl | 0;
      Fh = Eh | 0;
      Fl = El | 0;
      ({ h: Eh, l: El } = add(Dh | 0, Dl | 0, T1h | 0, T1l | 0));
      Dh = Ch | 0;
      Dl = Cl | 0;
      Ch = Bh | 0;
      Cl = Bl | 0;
      Bh = Ah | 0;
      Bl = Al | 0;
      const All = add3L(T1l, sigma0l, MAJl);
      Ah = add3H(All, T1h, sigma0h, MAJh);
      Al = All | 0;
    }
    ({ h: Ah, l: Al } = add(this.Ah | 0, this.Al | 0, Ah | 0, Al | 0));
    ({ h: Bh, l: Bl } = add(this.Bh | 0, this.Bl | 0, Bh | 0, Bl | 0));
    ({ h: Ch, l: Cl } = add(this.Ch | 0, this.Cl | 0, Ch | 0, Cl | 0));
    ({ h: Dh, l: Dl } = add(this.Dh | 0, this.Dl | 0, Dh | 0, Dl | 0));
    ({ h: Eh, l: El } = add(this.Eh | 0, this.El | 0, Eh | 0, El | 0));
    ({ h: Fh, l: Fl } = add(this.Fh | 0, this.Fl | 0, Fh | 0, Fl | 0));
    ({ h: Gh, l: Gl } = add(this.Gh | 0, this.Gl | 0, Gh | 0, Gl | 0));
    ({ h: Hh, l: Hl } = add(this.Hh | 0, this.Hl | 0, Hh | 0, Hl | 0));
    this.set(Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl);
  }
  roundClean() {
    clean2(SHA512_W_H, SHA512_W_L);
  }
  destroy() {
    this.destroyed = true;
    clean2(this.buffer);
    this.set(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
};
var _SHA512 = class extends SHA2_64B {
  constructor() {
    super(64, SHA512_IV);
  }
};
var sha256 = /* @__PURE__ */ createHasher(
  () => new _SHA256(),
  /* @__PURE__ */ oidNist(1)
);
var sha512 = /* @__PURE__ */ createHasher(
  () => new _SHA512(),
  /* @__PURE__ */ oidNist(3)
);

// node_modules/@noble/curves/utils.js
function aarray(item, title, inner = () => {
}) {
  if (!Array.isArray(item))
    throw new TypeError(`"${title}" expected array, got type=${typeof item}`);
  for (let i = 0; i < item.length; i++)
    inner(item[i], `${title}[${i}]`);
  return item;
}
var abytes3 = (value, length, title) => abytes2(value, length, title);
var anumber3 = anumber2;
function aobject3(value, title = "object") {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError(title === "object" ? "expected valid options object" : `"${title}" expected object, got type=${typeof value}`);
  return value;
}
function afunction(value, title) {
  if (typeof value !== "function")
    throw new TypeError(`"${title}" is invalid: expected function, got ${typeof value}`);
  return value;
}
var bytesToHex2 = bytesToHex;
var concatBytes4 = (...arrays) => concatBytes3(...arrays);
var hexToBytes2 = (hex2) => hexToBytes(hex2);
var isBytes3 = isBytes2;
var randomBytes3 = (bytesLength) => randomBytes2(bytesLength);
var _0n = /* @__PURE__ */ BigInt(0);
var _1n = /* @__PURE__ */ BigInt(1);
var atitle3 = (title) => title ? `"${title}" ` : "";
function abool3(value, title = "") {
  if (typeof value !== "boolean")
    throw new TypeError(atitle3(title) + "expected boolean, got type=" + typeof value);
  return value;
}
function abignumber(n) {
  if (typeof n === "bigint") {
    if (!isPosBig(n))
      throw new RangeError("positive bigint expected, got " + n);
  } else
    anumber3(n);
  return n;
}
function asafenumber(value, title = "") {
  if (typeof value !== "number") {
    const prefix = title && `"${title}" `;
    throw new TypeError(prefix + "expected number, got type=" + typeof value);
  }
  if (!Number.isSafeInteger(value)) {
    const prefix = title && `"${title}" `;
    throw new RangeError(prefix + "expected safe integer, got " + value);
  }
}
function hexToNumber(hex2) {
  if (typeof hex2 !== "string")
    throw new TypeError("hex string expected, got " + typeof hex2);
  return hex2 === "" ? _0n : BigInt("0x" + hex2);
}
function bytesToNumberBE(bytes) {
  return hexToNumber(bytesToHex(bytes));
}
function bytesToNumberLE(bytes) {
  return hexToNumber(bytesToHex(copyBytes2(abytes2(bytes)).reverse()));
}
function numberToBytesBE(n, len) {
  anumber2(len);
  if (len === 0)
    throw new Error("zero output length is invalid");
  n = abignumber(n);
  const expectedLen = len * 2;
  const hex2 = n.toString(16);
  if (hex2.length > expectedLen)
    throw new RangeError("number is too large");
  return hexToBytes(hex2.padStart(expectedLen, "0"));
}
function numberToBytesLE(n, len) {
  return numberToBytesBE(n, len).reverse();
}
function copyBytes2(bytes) {
  return Uint8Array.from(abytes3(bytes));
}
function isPosBig(n) {
  return typeof n === "bigint" && _0n <= n;
}
function inRange(n, min, max) {
  return isPosBig(n) && isPosBig(min) && isPosBig(max) && min <= n && n < max;
}
function aInRange(title, n, min, max) {
  if (!inRange(n, min, max))
    throw new RangeError("expected valid " + title + ": " + min + " <= n < " + max + ", got " + n);
}
function bitLen(n) {
  if (n < _0n)
    throw new Error("expected non-negative bigint, got " + n);
  return n === _0n ? 0 : n.toString(2).length;
}
var bitMask = (n) => {
  asafenumber(n, "n");
  return (_1n << BigInt(n)) - _1n;
};
function validateObject(object, fields = {}, optFields = {}, title = "object") {
  aobject3(object, title);
  aobject3(fields, "fields");
  aobject3(optFields, "optFields");
  function checkField(fieldName, expectedType, isOpt) {
    const label = title === "object" ? `param "${String(fieldName)}"` : `"${title}.${String(fieldName)}"`;
    const val = object[fieldName];
    if (!Object.hasOwn(object, fieldName) && (isOpt ? val !== void 0 : expectedType !== "function")) {
      throw new TypeError(`${label} is invalid: expected own property`);
    }
    if (isOpt && val === void 0)
      return;
    const current = typeof val;
    if (current !== expectedType || val === null)
      throw new TypeError(`${label} is invalid: expected ${expectedType}, got ${current}`);
  }
  const iter = (f, isOpt) => Object.entries(f).forEach(([k, v]) => checkField(k, v, isOpt));
  iter(fields, false);
  iter(optFields, true);
}

// node_modules/@noble/curves/abstract/modular.js
var _0n2 = /* @__PURE__ */ BigInt(0);
var _1n2 = /* @__PURE__ */ BigInt(1);
var _2n = /* @__PURE__ */ BigInt(2);
var _3n = /* @__PURE__ */ BigInt(3);
var _4n = /* @__PURE__ */ BigInt(4);
var _5n = /* @__PURE__ */ BigInt(5);
var _7n = /* @__PURE__ */ BigInt(7);
var _8n = /* @__PURE__ */ BigInt(8);
var _9n = /* @__PURE__ */ BigInt(9);
var _15n = /* @__PURE__ */ BigInt(15);
var _16n = /* @__PURE__ */ BigInt(16);
var POW_WINDOWED_MIN = /* @__PURE__ */ BigInt("0x10000000000000000");
function mod(a, b) {
  if (b <= _0n2)
    throw new Error("mod: expected positive modulus, got " + b);
  const result = a % b;
  return result >= _0n2 ? result : b + result;
}
function pow(num, power, modulo) {
  if (modulo <= _1n2)
    throw new Error("pow: expected modulus > 1, got " + modulo);
  if (typeof power !== "bigint")
    throw new TypeError("invalid exponent: expected bigint, got " + typeof power);
  if (power < _0n2)
    throw new Error("invalid exponent, negatives unsupported");
  if (power === _0n2)
    return _1n2;
  if (power === _1n2)
    return num;
  let d = num % modulo;
  if (d < _0n2)
    d += modulo;
  if (power < POW_WINDOWED_MIN) {
    let p2 = _1n2;
    while (power > _0n2) {
      if (power & _1n2)
        p2 = p2 * d % modulo;
      d = d * d % modulo;
      power >>= _1n2;
    }
    return p2;
  }
  const digits = [];
  while (power > _0n2) {
    digits.push(Number(power & _15n));
    power >>= _4n;
  }
  const table = new Array(16);
  table[0] = _1n2;
  table[1] = d;
  for (let i = 2; i < 16; i++)
    table[i] = table[i - 1] * d % modulo;
  let p = table[digits[digits.length - 1]];
  for (let w = digits.length - 2; w >= 0; w--) {
    p = p * p % modulo;
    p = p * p % modulo;
    p = p * p % modulo;
    p = p * p % modulo;
    const digit = digits[w];
    if (digit !== 0)
      p = p * table[digit] % modulo;
  }
  return p;
}
function pow2(x, power, modulo) {
  if (modulo <= _1n2)
    throw new Error("pow2: expected modulus > 1, got " + modulo);
  if (power < _0n2)
    throw new Error("pow2: expected non-negative exponent, got " + power);
  let res = x;
  while (power-- > _0n2) {
    res *= res;
    res %= modulo;
  }
  return res;
}
function invert(number, modulo) {
  if (number === _0n2)
    throw new Error("invert: expected non-zero number");
  if (modulo <= _1n2)
    throw new Error("invert: expected modulus > 1, got " + modulo);
  let a = mod(number, modulo);
  let b = modulo;
  let x = _0n2, u = _1n2;
  while (a !== _0n2) {
    const q = b / a;
    const r = b - a * q;
    const m = x - u * q;
    b = a, a = r, x = u, u = m;
  }
  const gcd = b;
  if (gcd !== _1n2)
    throw new Error("invert: does not exist");
  return mod(x, modulo);
}
function assertIsSquare(Fp2, root, n) {
  const F2 = Fp2;
  if (!F2.eql(F2.sqr(root), n))
    throw new Error("Cannot find square root");
}
function aoddModulus(order, fnName) {
  if ((order & _1n2) === _0n2)
    throw new Error(fnName + ": expected odd modulus, got " + order);
}
function sqrt3mod4(Fp2, n) {
  const F2 = Fp2;
  const p1div4 = (F2.ORDER + _1n2) / _4n;
  const root = F2.pow(n, p1div4);
  assertIsSquare(F2, root, n);
  return root;
}
function sqrt5mod8(Fp2, n) {
  const F2 = Fp2;
  const p5div8 = (F2.ORDER - _5n) / _8n;
  const n2 = F2.mul(n, _2n);
  const v = F2.pow(n2, p5div8);
  const nv = F2.mul(n, v);
  const i = F2.mul(F2.mul(nv, _2n), v);
  const root = F2.mul(nv, F2.sub(i, F2.ONE));
  assertIsSquare(F2, root, n);
  return root;
}
function sqrt9mod16(P2) {
  const Fp_ = Field(P2);
  const tn = tonelliShanks(P2);
  const c1 = tn(Fp_, Fp_.neg(Fp_.ONE));
  const c2 = tn(Fp_, c1);
  const c3 = tn(Fp_, Fp_.neg(c1));
  const c4 = (P2 + _7n) / _16n;
  return ((Fp2, n) => {
    const F2 = Fp2;
    let tv1 = F2.pow(n, c4);
    let tv2 = F2.mul(tv1, c1);
    const tv3 = F2.mul(tv1, c2);
    const tv4 = F2.mul(tv1, c3);
    const e1 = F2.eql(F2.sqr(tv2), n);
    const e2 = F2.eql(F2.sqr(tv3), n);
    tv1 = F2.cmov(tv1, tv2, e1);
    tv2 = F2.cmov(tv4, tv3, e2);
    const e3 = F2.eql(F2.sqr(tv2), n);
    const root = F2.cmov(tv1, tv2, e3);
    assertIsSquare(F2, root, n);
    return root;
  });
}
function tonelliShanks(P2) {
  if (P2 < _3n)
    throw new Error("sqrt is not defined for small field");
  aoddModulus(P2, "tonelliShanks");
  let Q2 = P2 - _1n2;
  let S = 0;
  while (Q2 % _2n === _0n2) {
    Q2 /= _2n;
    S++;
  }
  let Z = _2n;
  const _Fp = Field(P2);
  while (FpLegendre(_Fp, Z) === 1) {
    if (Z++ > 1e3)
      throw new Error("Cannot find square root: probably non-prime P");
  }
  if (S === 1)
    return sqrt3mod4;
  let cc = _Fp.pow(Z, Q2);
  const Q1div2 = (Q2 + _1n2) / _2n;
  return function tonelliSlow(Fp2, n) {
    const F2 = Fp2;
    if (F2.is0(n))
      return n;
    if (FpLegendre(F2, n) !== 1)
      throw new Error("Cannot find square root");
    let M = S;
    let c = F2.mul(F2.ONE, cc);
    let t = F2.pow(n, Q2);
    let R = F2.pow(n, Q1div2);
    while (!F2.eql(t, F2.ONE)) {
      if (F2.is0(t))
        throw new Error("Cannot find square root: probably non-prime P");
      let i = 1;
      let t_tmp = F2.sqr(t);
      while (!F2.eql(t_tmp, F2.ONE)) {
        i++;
        t_tmp = F2.sqr(t_tmp);
        if (i === M)
          throw new Error("Cannot find square root");
      }
      const exponent = _1n2 << BigInt(M - i - 1);
      const b = F2.pow(c, exponent);
      M = i;
      c = F2.sqr(b);
      t = F2.mul(t, c);
      R = F2.mul(R, b);
    }
    return R;
  };
}
function FpSqrt(P2) {
  aoddModulus(P2, "Fp.sqrt");
  if (P2 % _4n === _3n)
    return sqrt3mod4;
  if (P2 % _8n === _5n)
    return sqrt5mod8;
  if (P2 % _16n === _9n)
    return sqrt9mod16(P2);
  return tonelliShanks(P2);
}
var isNegativeLE = (num, modulo) => (mod(num, modulo) & _1n2) === _1n2;
var FIELD_FIELDS = [
  "create",
  "isValid",
  "is0",
  "neg",
  "inv",
  "sqrt",
  "sqr",
  "eql",
  "add",
  "sub",
  "mul",
  "pow",
  "div",
  "addN",
  "subN",
  "mulN",
  "sqrN"
];
function validateField(field) {
  aobject3(field, "field");
  if (typeof field.ORDER !== "bigint")
    throw new TypeError('param "ORDER" is invalid: expected bigint, got ' + typeof field.ORDER);
  asafenumber(field.BYTES, "BYTES");
  asafenumber(field.BITS, "BITS");
  for (const name of FIELD_FIELDS)
    afunction(field[name], "field." + name);
  if (field.BYTES < 1 || field.BITS < 1)
    throw new Error("invalid field: expected BYTES/BITS > 0");
  if (field.ORDER <= _1n2)
    throw new Error("invalid field: expected ORDER > 1, got " + field.ORDER);
  return field;
}
function FpInvertBatch(Fp2, nums, passZero = false) {
  validateField(Fp2);
  aarray(nums, "nums");
  abool3(passZero, "passZero");
  const F2 = Fp2;
  const inverted = new Array(nums.length).fill(passZero ? F2.ZERO : void 0);
  const multipliedAcc = nums.reduce((acc, num, i) => {
    if (F2.is0(num))
      return acc;
    inverted[i] = acc;
    return F2.mul(acc, num);
  }, F2.ONE);
  const invertedAcc = F2.inv(multipliedAcc);
  nums.reduceRight((acc, num, i) => {
    if (F2.is0(num))
      return acc;
    inverted[i] = F2.mul(acc, inverted[i]);
    return F2.mul(acc, num);
  }, invertedAcc);
  return inverted;
}
function FpLegendre(Fp2, n) {
  validateField(Fp2);
  const F2 = Fp2;
  aoddModulus(F2.ORDER, "FpLegendre");
  const p1mod2 = (F2.ORDER - _1n2) / _2n;
  const powered = F2.pow(n, p1mod2);
  const yes = F2.eql(powered, F2.ONE);
  const zero = F2.eql(powered, F2.ZERO);
  const no = F2.eql(powered, F2.neg(F2.ONE));
  if (!yes && !zero && !no)
    throw new Error("invalid Legendre symbol result");
  return yes ? 1 : zero ? 0 : -1;
}
function nLength(n, nBitLength) {
  if (nBitLength !== void 0)
    anumber3(nBitLength);
  if (n <= _0n2)
    throw new Error("invalid n length: expected positive n, got " + n);
  if (nBitLength !== void 0 && nBitLength < 1)
    throw new Error("invalid n length: expected positive bit length, got " + nBitLength);
  const bits = bitLen(n);
  if (nBitLength !== void 0 && nBitLength < bits)
    throw new Error(`invalid n length: expected nBitLength (${nBitLength}) >= bitLen(n) (${bits})`);
  const _nBitLength = nBitLength !== void 0 ? nBitLength : bits;
  const nByteLength = Math.ceil(_nBitLength / 8);
  return { nBitLength: _nBitLength, nByteLength };
}
var FIELD_SQRT = /* @__PURE__ */ new WeakMap();
var _Field = class {
  ORDER;
  BITS;
  BYTES;
  isLE;
  ZERO = _0n2;
  ONE = _1n2;
  _lengths;
  _mod;
  constructor(ORDER, opts2 = {}) {
    if (ORDER <= _1n2)
      throw new Error("invalid field: expected ORDER > 1, got " + ORDER);
    let _nbitLength = void 0;
    this.isLE = false;
    if (opts2 != null && typeof opts2 === "object") {
      if (typeof opts2.BITS === "number")
        _nbitLength = opts2.BITS;
      if (typeof opts2.sqrt === "function")
        Object.defineProperty(this, "sqrt", { value: opts2.sqrt, enumerable: true });
      if (typeof opts2.isLE === "boolean")
        this.isLE = opts2.isLE;
      if (opts2.allowedLengths)
        this._lengths = Object.freeze(opts2.allowedLengths.slice());
      if (typeof opts2.modFromBytes === "boolean")
        this._mod = opts2.modFromBytes;
    }
    const { nBitLength, nByteLength } = nLength(ORDER, _nbitLength);
    if (nByteLength > 2048)
      throw new Error("invalid field: expected ORDER of <= 2048 bytes");
    this.ORDER = ORDER;
    this.BITS = nBitLength;
    this.BYTES = nByteLength;
    Object.freeze(this);
  }
  create(num) {
    return mod(num, this.ORDER);
  }
  isValid(num) {
    if (typeof num !== "bigint")
      throw new TypeError("invalid field element: expected bigint, got " + typeof num);
    return _0n2 <= num && num < this.ORDER;
  }
  is0(num) {
    return num === _0n2;
  }
  // is valid and invertible
  isValidNot0(num) {
    return !this.is0(num) && this.isValid(num);
  }
  isOdd(num) {
    return (num & _1n2) === _1n2;
  }
  neg(num) {
    return mod(-num, this.ORDER);
  }
  eql(lhs, rhs) {
    return lhs === rhs;
  }
  sqr(num) {
    return mod(num * num, this.ORDER);
  }
  add(lhs, rhs) {
    return mod(lhs + rhs, this.ORDER);
  }
  sub(lhs, rhs) {
    return mod(lhs - rhs, this.ORDER);
  }
  mul(lhs, rhs) {
    return mod(lhs * rhs, this.ORDER);
  }
  pow(num, power) {
    return pow(num, power, this.ORDER);
  }
  div(lhs, rhs) {
    return mod(lhs * invert(rhs, this.ORDER), this.ORDER);
  }
  // Same as above, but doesn't normalize
  sqrN(num) {
    return num * num;
  }
  addN(lhs, rhs) {
    return lhs + rhs;
  }
  subN(lhs, rhs) {
    return lhs - rhs;
  }
  mulN(lhs, rhs) {
    return lhs * rhs;
  }
  inv(num) {
    return invert(num, this.ORDER);
  }
  sqrt(num) {
    let sqrt = FIELD_SQRT.get(this);
    if (!sqrt)
      FIELD_SQRT.set(this, sqrt = FpSqrt(this.ORDER));
    return sqrt(this, num);
  }
  toBytes(num) {
    return this.isLE ? numberToBytesLE(num, this.BYTES) : numberToBytesBE(num, this.BYTES);
  }
  fromBytes(bytes, skipValidation = false) {
    abytes3(bytes);
    const { _lengths: allowedLengths, BYTES, isLE: isLE3, ORDER, _mod: modFromBytes } = this;
    if (allowedLengths) {
      if (bytes.length < 1 || !allowedLengths.includes(bytes.length) || bytes.length > BYTES) {
        throw new Error("Field.fromBytes: expected " + allowedLengths + " bytes, got " + bytes.length);
      }
      const padded = new Uint8Array(BYTES);
      padded.set(bytes, isLE3 ? 0 : padded.length - bytes.length);
      bytes = padded;
    }
    if (bytes.length !== BYTES)
      throw new Error("Field.fromBytes: expected " + BYTES + " bytes, got " + bytes.length);
    let scalar = isLE3 ? bytesToNumberLE(bytes) : bytesToNumberBE(bytes);
    if (modFromBytes)
      scalar = mod(scalar, ORDER);
    if (!skipValidation) {
      if (!this.isValid(scalar))
        throw new Error("invalid field element: outside of range 0..ORDER");
    }
    return scalar;
  }
  // TODO: we don't need it here, move out to separate fn
  invertBatch(lst) {
    return FpInvertBatch(this, lst, true);
  }
  // We can't move this out because Fp6, Fp12 implement it
  // and it's unclear what to return in there.
  cmov(a, b, condition) {
    abool3(condition, "condition");
    return condition ? b : a;
  }
};
function Field(ORDER, opts2 = {}) {
  Object.freeze(_Field.prototype);
  return new _Field(ORDER, opts2);
}

// node_modules/@noble/curves/abstract/curve.js
var _0n3 = /* @__PURE__ */ BigInt(0);
var _1n3 = /* @__PURE__ */ BigInt(1);
var _4n2 = /* @__PURE__ */ BigInt(4);
var BLIND_BYTES = 16;
var BLIND_BITS = 128;
var FW_WINDOW = 5;
var TABLE_BYTES_MAX = /* @__PURE__ */ (() => 2 ** 31)();
function validatePointCons(Point) {
  const pc = Point;
  if (typeof pc !== "function")
    throw new TypeError('"Point" expected constructor, got type=' + typeof Point);
  afunction(pc.fromAffine, "Point.fromAffine");
  afunction(pc.fromBytes, "Point.fromBytes");
  afunction(pc.fromHex, "Point.fromHex");
  aobject3(pc.BASE, "Point.BASE");
  aobject3(pc.ZERO, "Point.ZERO");
  validateField(pc.Fp);
  validateField(pc.Fn);
}
function normalizeZ(c, points) {
  validatePointCons(c);
  validateMSMPoints(points, c);
  const invertedZs = FpInvertBatch(c.Fp, points.map((p) => p.Z));
  return points.map((p, i) => c.fromAffine(p.toAffine(invertedZs[i])));
}
function validateW(W, bits, min = 1) {
  if (!Number.isSafeInteger(W) || W < min || W > bits)
    throw new Error("invalid window size, expected [" + min + ".." + bits + "], got W=" + W);
}
function validateTableBytes(numPoints, fpBytes) {
  const bytes = numPoints * (4 * fpBytes + 128);
  if (bytes > TABLE_BYTES_MAX)
    throw new Error("invalid window size: table would need ~" + Math.ceil(bytes / 2 ** 20) + " MiB, max " + TABLE_BYTES_MAX / 2 ** 20 + " MiB");
}
function probeRandomBytes(randomBytes5, length) {
  if (randomBytes5 === void 0)
    return void 0;
  afunction(randomBytes5, "randomBytes");
  try {
    const probe = randomBytes5(length);
    if (!isBytes3(probe) || probe.length !== length)
      return void 0;
  } catch {
    return void 0;
  }
  return randomBytes5;
}
function validateMSMPoints(points, c) {
  aarray(points, "points");
  points.forEach((p, i) => {
    if (!(p instanceof c))
      throw new Error("invalid point at index " + i);
  });
}
function validateMSMScalars(scalars, field, maxScalar) {
  if (!Array.isArray(scalars))
    throw new Error("array of scalars expected");
  scalars.forEach((s, i) => {
    const ok = maxScalar === void 0 ? field.isValid(s) : isPosBig(s) && s < maxScalar;
    if (!ok)
      throw new Error("invalid scalar at index " + i);
  });
}
var pointWindowSizes = /* @__PURE__ */ new WeakMap();
function getWindowSize(P2) {
  return pointWindowSizes.get(P2) || 1;
}
function oddMultiples(p, size) {
  const dbl = p.double();
  const t = [p];
  for (let j = 1; j < size; j++)
    t.push(t[j - 1].add(dbl));
  return t;
}
function wnafDigits(n, W) {
  const size = 2 ** W;
  const half = size / 2;
  const mask = BigInt(size - 1);
  const d = [];
  while (n > _0n3) {
    let w = 0;
    if (n & _1n3) {
      w = Number(n & mask);
      if (w >= half)
        w -= size;
      n -= BigInt(w);
    }
    d.push(w);
    n >>= _1n3;
  }
  return d;
}
function signedWindowDigits(n, W, windows) {
  const size = 2 ** W;
  const half = size / 2;
  const mask = BigInt(size - 1);
  const shiftBy = BigInt(W);
  const d = [];
  for (let w = 0; w < windows; w++) {
    let v = Number(n & mask);
    n >>= shiftBy;
    if (v > half) {
      v -= size;
      n += _1n3;
    }
    d.push(v);
  }
  if (n !== _0n3)
    throw new Error("invalid wnaf");
  return d;
}
function wnafWalk(zero, tables, digits) {
  let max = 0;
  for (const d of digits)
    max = Math.max(max, d.length);
  let acc = zero;
  for (let bit = max - 1; bit >= 0; bit--) {
    if (bit !== max - 1)
      acc = acc.double();
    for (let i = 0; i < digits.length; i++) {
      const w = digits[i][bit];
      if (w) {
        const item = tables[i][Math.abs(w) - 1 >> 1];
        acc = acc.add(w < 0 ? item.negate() : item);
      }
    }
  }
  return acc;
}
var ScalarMultiplier = class {
  Point;
  BASE;
  ZERO;
  randomBytes;
  wnafPrecomputes = /* @__PURE__ */ new WeakMap();
  baseCanBeBlinded;
  bits;
  // Parametrized with a given Point class (not individual point)
  constructor(Point, randomBytes5) {
    validatePointCons(Point);
    this.randomBytes = probeRandomBytes(randomBytes5, BLIND_BYTES);
    this.Point = Point;
    this.BASE = Point.BASE;
    this.ZERO = Point.ZERO;
    this.bits = Point.Fn.BITS;
  }
  /**
   * Creates a signed fixed-window wNAF precomputation table: for every window w, the
   * multiples `[1..2^(W−1)]⋅2^(w⋅W)⋅P`, flattened. All doublings are baked into the table,
   * so cached multiplication is additions-only. `windows = ceil(bits/W) + 1`: the extra
   * window absorbs the final carry of signed-digit recoding.
   * For a 256-bit curve and W=6, the table is 44⋅32 = 1408 points.
   * @param point - Point instance
   * @param W - window size
   * @param bits - scalar bitlength the table must cover
   */
  buildWnafTable(point, W, bits) {
    const windows = Math.ceil(bits / W) + 1;
    const half = 2 ** (W - 1);
    const comp = [];
    let base = point;
    for (let w = 0; w < windows; w++) {
      let acc = base;
      for (let i = 0; i < half; i++) {
        comp.push(acc);
        acc = acc.add(base);
      }
      base = comp[comp.length - 1].double();
    }
    return { W, bits, windows, comp };
  }
  /**
   * Implements ec multiplication using precomputed signed fixed-window wNAF tables.
   * Constant-time: fixed window count with one table addition per window — zero digits feed
   * the fake accumulator — and no doublings; the lookup scans the whole window slice.
   * Scalar bounds are validated by the public entry points ({@link ScalarMultiplier.mulCT},
   * {@link ScalarMultiplier.mulCTBlinded}, {@link ScalarMultiplier.mulUnsafe});
   * signedWindowDigits throws if `n` exceeds the table.
   * @returns real and fake (for const-time) points
   */
  wnafCachedCT(precomputes, n) {
    const { W, windows, comp } = precomputes;
    const half = 2 ** (W - 1);
    const digits = signedWindowDigits(n, W, windows);
    let p = this.ZERO;
    let f = this.BASE;
    for (let w = 0; w < windows; w++) {
      const digit = digits[w];
      const start = w * half;
      const idx = Math.abs(digit) - 1;
      let sel = comp[start];
      for (let i = 1; i < half; i++)
        sel = i === idx ? comp[start + i] : sel;
      const neg = sel.negate();
      if (digit === 0)
        f = f.add(comp[start]);
      else
        p = p.add(digit < 0 ? neg : sel);
    }
    return { p, f };
  }
  // Cache key is point identity plus (W, bits); at most two entries exist per point (public-width
  // `Fn.BITS` and blinded `Fn.BITS + BLIND_BITS`). Callers must not reuse the same point with
  // incompatible `transform(...)` layouts and expect a separate cache entry.
  getWnafPrecomputes(W, point, bits, transform) {
    let entries = this.wnafPrecomputes.get(point);
    let comp = entries?.find((entry) => entry.W === W && entry.bits === bits);
    if (!comp) {
      comp = this.buildWnafTable(point, W, bits);
      if (typeof transform === "function")
        comp = { ...comp, comp: transform(comp.comp) };
      if (!entries) {
        entries = [];
        this.wnafPrecomputes.set(point, entries);
      }
      entries.push(comp);
    }
    return comp;
  }
  assertPoint(point) {
    if (!(point instanceof this.Point))
      throw new TypeError('"point" expected Point instance, got type=' + typeof point);
  }
  // Shared prologue of the constant-time entry points. Rejects scalar 0: in key/signature-style
  // callers a zero scalar means broken upstream plumbing, and concrete Points already reject it.
  // Uses inRange instead of Fn.isValidNot0: validateField() only certifies the arithmetic subset.
  validateMulInput(point, scalar) {
    this.assertPoint(point);
    if (!inRange(scalar, _1n3, this.Point.Fn.ORDER))
      throw new Error("invalid scalar");
  }
  // Constant-time dispatch shared by mulCT / mulCTBlinded. Un-precomputed points (W===1, e.g.
  // ECDH peer keys) skip building a throwaway cached table in favor of a small fixed-window
  // multiply. `n` must be < 2^bits.
  runCT(point, n, bits, transform) {
    const W = getWindowSize(point);
    if (W === 1)
      return this.fixedWindowCT(point, n, bits);
    return this.wnafCachedCT(this.getWnafPrecomputes(W, point, bits, transform), n);
  }
  mulCT(point, scalar, transform) {
    this.validateMulInput(point, scalar);
    return this.runCT(point, scalar, this.bits, transform);
  }
  mulCTBlinded(point, scalar, transform) {
    this.validateMulInput(point, scalar);
    if (this.randomBytes === void 0)
      throw new Error("randomBytes is required for scalar blinding");
    const bits = this.Point.Fn.BITS + BLIND_BITS;
    const blind = this.randomBytes(BLIND_BYTES);
    if (!isBytes3(blind) || blind.length !== BLIND_BYTES)
      throw new Error("randomBytes returned invalid byte array");
    blind[0] = blind[0] & 63 | 128;
    const n = scalar + bytesToNumberBE(blind) * this.Point.Fn.ORDER;
    return this.runCT(point, n, bits, transform);
  }
  /**
   * Constant-time multiplication `n*point` for an un-precomputed point, via a small fixed window.
   * A cached wNAF table only pays off when reused; a flat 2^FW_WINDOW table (`size-1` adds) is
   * far cheaper to build for a single use. The point-operation sequence is independent of `n`:
   * build the table, then per window exactly FW_WINDOW doublings, a data-oblivious scan over
   * every table entry, and one addition (adds the identity when the window digit is 0 — never
   * skipped).
   *
   * `n` must be `< 2^bits`. Assumes complete addition (adding the identity costs the same as any
   * add), which holds for the Weierstrass/Edwards point types used here. The table is left in
   * projective form (no normalizeZ): normalizing this small a table costs more than the
   * mixed-add savings it would buy for a single multiply.
   * @returns real point `p`; `f` duplicates it only to match {@link wnafCachedCT}'s return shape
   * (this path needs no fake accumulator — its op-count is already scalar-independent).
   */
  fixedWindowCT(point, n, bits) {
    const W = FW_WINDOW;
    const size = 1 << W;
    const mask = bitMask(W);
    const table = new Array(size);
    table[0] = this.ZERO;
    for (let i = 1; i < size; i++)
      table[i] = table[i - 1].add(point);
    const windows = Math.ceil(bits / W);
    let acc = this.ZERO;
    for (let window = windows - 1; window >= 0; window--) {
      if (window !== windows - 1)
        for (let d = 0; d < W; d++)
          acc = acc.double();
      const digit = Number(n >> BigInt(window * W) & mask);
      let sel = table[0];
      for (let i = 1; i < size; i++)
        sel = i === digit ? table[i] : sel;
      acc = acc.add(sel);
    }
    return { p: acc, f: acc };
  }
  shouldBlind(point, cofactor) {
    if (this.randomBytes === void 0)
      return false;
    if (cofactor === _1n3)
      return true;
    if (point !== this.BASE)
      return false;
    if (this.baseCanBeBlinded === void 0)
      this.baseCanBeBlinded = this.mulUnsafe(this.BASE, this.Point.Fn.ORDER).is0();
    return this.baseCanBeBlinded;
  }
  mulSecret(point, scalar, cofactor, transform) {
    return this.shouldBlind(point, cofactor) ? this.mulCTBlinded(point, scalar, transform) : this.mulCT(point, scalar, transform);
  }
  mulUnsafe(point, scalar, transform) {
    this.assertPoint(point);
    if (!isPosBig(scalar))
      throw new Error("invalid scalar");
    const W = getWindowSize(point);
    if (W === 1 || scalar >= this.Point.Fn.ORDER)
      return mulAddUnsafe(this.Point, [point], [scalar], true);
    const precomputes = this.getWnafPrecomputes(W, point, this.bits, transform);
    return this.wnafCachedCT(precomputes, scalar).p;
  }
  // Remembers the window size used for precomputed wNAF multiplication of the given point
  // and drops any previously built tables. Usually only the base point is precomputed.
  // W=1 resets the point to the un-precomputed (table-less) paths.
  // W is additionally capped so tables stay under ~2 GiB ({@link TABLE_BYTES_MAX}).
  setWindowSize(point, W) {
    this.assertPoint(point);
    validateW(W, this.bits);
    const windows = Math.ceil((this.bits + BLIND_BITS) / W) + 1;
    validateTableBytes(windows * 2 ** (W - 1), this.Point.Fp.BYTES);
    pointWindowSizes.set(point, W);
    this.wnafPrecomputes.delete(point);
  }
  // True when a window size is set: tables themselves are built lazily on first multiply.
  hasWindowSize(point) {
    return getWindowSize(point) !== 1;
  }
};
function mulAddUnsafe(c, points, scalars, allowOversized = false) {
  validatePointCons(c);
  validateMSMPoints(points, c);
  abool3(allowOversized, "allowOversized");
  validateMSMScalars(scalars, c.Fn, allowOversized ? c.Fn.ORDER ** _4n2 : void 0);
  if (points.length !== scalars.length)
    throw new Error("arrays of points and scalars must have equal length");
  const tables = points.map((p) => oddMultiples(p, 4));
  const digits = scalars.map((n) => wnafDigits(n, 4));
  return wnafWalk(c.ZERO, tables, digits);
}
function createField(order, field, isLE3) {
  if (field) {
    if (field.ORDER !== order)
      throw new Error("Field.ORDER must match order: Fp == p, Fn == n");
    validateField(field);
    return field;
  } else {
    return Field(order, { isLE: isLE3 });
  }
}
function createCurveFields(type, CURVE, curveOpts = {}, FpFnLE) {
  if (type !== "weierstrass" && type !== "edwards")
    throw new Error('expected curve type "weierstrass" or "edwards"');
  if (FpFnLE === void 0)
    FpFnLE = type === "edwards";
  if (!CURVE || typeof CURVE !== "object")
    throw new Error(`expected valid ${type} CURVE object`);
  validateObject(curveOpts);
  for (const p of ["p", "n", "h"]) {
    const val = CURVE[p];
    if (!(isPosBig(val) && val !== _0n3))
      throw new Error(`CURVE.${p} must be positive bigint`);
  }
  const Fp2 = createField(CURVE.p, curveOpts.Fp, FpFnLE);
  const Fn = createField(CURVE.n, curveOpts.Fn, FpFnLE);
  const _b = type === "weierstrass" ? "b" : "d";
  const params = ["Gx", "Gy", "a", _b];
  for (const p of params) {
    if (!Fp2.isValid(CURVE[p]))
      throw new Error(`CURVE.${p} must be valid field element of CURVE.Fp`);
  }
  CURVE = Object.freeze(Object.assign({}, CURVE));
  return { CURVE, Fp: Fp2, Fn };
}
function createKeygen(randomSecretKey, getPublicKey) {
  return function keygen(seed) {
    const secretKey = randomSecretKey(seed);
    return { secretKey, publicKey: getPublicKey(secretKey) };
  };
}

// node_modules/@noble/curves/abstract/edwards.js
var _0n4 = /* @__PURE__ */ BigInt(0);
var _1n4 = /* @__PURE__ */ BigInt(1);
var _2n2 = /* @__PURE__ */ BigInt(2);
var _4n3 = /* @__PURE__ */ BigInt(4);
var _8n2 = /* @__PURE__ */ BigInt(8);
function isEdValidXY(Fp2, CURVE, x, y) {
  const x2 = Fp2.sqr(x);
  const y2 = Fp2.sqr(y);
  const left = Fp2.add(Fp2.mul(CURVE.a, x2), y2);
  const right = Fp2.add(Fp2.ONE, Fp2.mul(CURVE.d, Fp2.mul(x2, y2)));
  return Fp2.eql(left, right);
}
function edwards(params, extraOpts = {}) {
  validateObject(extraOpts, {}, {}, "extraOpts");
  const opts2 = extraOpts;
  const validated = createCurveFields("edwards", params, opts2, opts2.FpFnLE);
  const { Fp: Fp2, Fn } = validated;
  let CURVE = validated.CURVE;
  const { h: cofactor } = CURVE;
  if (FpLegendre(Fp2, CURVE.a) !== 1)
    throw new Error("edwards: CURVE.a must be a square in Fp for complete addition formulas");
  if (FpLegendre(Fp2, CURVE.d) !== -1)
    throw new Error("edwards: CURVE.d must be a non-square in Fp for complete addition formulas");
  validateObject(opts2, {}, { uvRatio: "function", randomBytes: "function" });
  const randomBytes5 = opts2.randomBytes === void 0 ? randomBytes3 : opts2.randomBytes;
  const MASK = _2n2 << BigInt(Fp2.BYTES * 8) - _1n4;
  function isOdd(n) {
    if (!Fp2.isOdd)
      throw new Error("Field does not have .isOdd()");
    return Fp2.isOdd(n);
  }
  const uvRatio2 = opts2.uvRatio === void 0 ? (u, v) => {
    try {
      return { isValid: true, value: Fp2.sqrt(Fp2.div(u, v)) };
    } catch (e) {
      return { isValid: false, value: _0n4 };
    }
  } : opts2.uvRatio;
  if (!isEdValidXY(Fp2, CURVE, CURVE.Gx, CURVE.Gy))
    throw new Error("bad curve params: generator point");
  const mulA = Fp2.eql(CURVE.a, Fp2.neg(Fp2.ONE)) ? (x) => Fp2.neg(x) : Fp2.eql(CURVE.a, Fp2.ONE) ? (x) => x : (x) => Fp2.mul(CURVE.a, x);
  function acoord(title, n, banZero = false) {
    const min = banZero ? _1n4 : _0n4;
    aInRange("coordinate " + title, n, min, MASK);
    return n;
  }
  function aedpoint(other) {
    if (!(other instanceof Point))
      throw new Error("EdwardsPoint expected");
  }
  class Point {
    static BASE = new Point(CURVE.Gx, CURVE.Gy, Fp2.ONE, Fp2.mul(CURVE.Gx, CURVE.Gy));
    static ZERO = new Point(Fp2.ZERO, Fp2.ONE, Fp2.ONE, Fp2.ZERO);
    static Fp = Fp2;
    static Fn = Fn;
    X;
    Y;
    Z;
    T;
    constructor(X, Y, Z, T) {
      this.X = acoord("x", X);
      this.Y = acoord("y", Y);
      this.Z = acoord("z", Z, true);
      this.T = acoord("t", T);
      Object.freeze(this);
    }
    static CURVE() {
      return CURVE;
    }
    /**
     * Create one extended Edwards point from affine coordinates.
     * Does NOT validate that the point is on-curve or torsion-free.
     * Use `.assertValidity()` on adversarial inputs.
     */
    static fromAffine(p) {
      if (p instanceof Point)
        throw new Error("extended point not allowed");
      const { x, y } = p || {};
      acoord("x", x);
      acoord("y", y);
      return new Point(x, y, Fp2.ONE, Fp2.mul(x, y));
    }
    // Uses algo from RFC8032 5.1.3.
    static fromBytes(bytes, zip215 = false) {
      const len = Fp2.BYTES;
      const { a, d } = CURVE;
      bytes = copyBytes2(abytes3(bytes, len, "point"));
      abool3(zip215, "zip215");
      const normed = copyBytes2(bytes);
      const lastByte = bytes[len - 1];
      normed[len - 1] = lastByte & ~128;
      const y = bytesToNumberLE(normed);
      const max = zip215 ? MASK : Fp2.ORDER;
      aInRange("point.y", y, _0n4, max);
      const y2 = Fp2.sqr(y);
      const u = Fp2.sub(y2, Fp2.ONE);
      const v = Fp2.sub(Fp2.mulN(d, y2), a);
      let { isValid, value: x } = uvRatio2(u, v);
      if (!isValid)
        throw new Error("bad point: invalid y coordinate");
      const isXOdd = isOdd(x);
      const isLastByteOdd = (lastByte & 128) !== 0;
      if (!zip215 && Fp2.is0(x) && isLastByteOdd)
        throw new Error("bad point: x=0 and x_0=1");
      if (isLastByteOdd !== isXOdd)
        x = Fp2.neg(x);
      return Point.fromAffine({ x, y });
    }
    static fromHex(hex2, zip215 = false) {
      return Point.fromBytes(hexToBytes2(hex2), zip215);
    }
    get x() {
      return this.toAffine().x;
    }
    get y() {
      return this.toAffine().y;
    }
    precompute(windowSize = 6, isLazy = true) {
      wnaf.setWindowSize(this, windowSize);
      if (!isLazy)
        this.multiply(_2n2);
      return this;
    }
    // Useful in fromAffine() - not for fromBytes(), which always created valid points.
    assertValidity() {
      const p = this;
      const { a, d } = CURVE;
      if (p.is0())
        throw new Error("bad point: ZERO");
      const { X, Y, Z, T } = p;
      const X2 = Fp2.sqr(X);
      const Y2 = Fp2.sqr(Y);
      const Z2 = Fp2.sqr(Z);
      const Z4 = Fp2.sqr(Z2);
      const aX2 = Fp2.mul(X2, a);
      const left = Fp2.mul(Fp2.add(aX2, Y2), Z2);
      const right = Fp2.add(Z4, Fp2.mul(d, Fp2.mul(X2, Y2)));
      if (!Fp2.eql(left, right))
        throw new Error("bad point: equation left != right (1)");
      const XY = Fp2.mul(X, Y);
      const ZT = Fp2.mul(Z, T);
      if (!Fp2.eql(XY, ZT))
        throw new Error("bad point: equation left != right (2)");
    }
    // Compare one point to another.
    equals(other) {
      aedpoint(other);
      const { X: X1, Y: Y1, Z: Z1 } = this;
      const { X: X2, Y: Y2, Z: Z2 } = other;
      const X1Z2 = Fp2.mul(X1, Z2);
      const X2Z1 = Fp2.mul(X2, Z1);
      const Y1Z2 = Fp2.mul(Y1, Z2);
      const Y2Z1 = Fp2.mul(Y2, Z1);
      return Fp2.eql(X1Z2, X2Z1) && Fp2.eql(Y1Z2, Y2Z1);
    }
    is0() {
      return this.equals(Point.ZERO);
    }
    negate() {
      return new Point(Fp2.neg(this.X), this.Y, this.Z, Fp2.neg(this.T));
    }
    // Fast algo for doubling Extended Point.
    // https://hyperelliptic.org/EFD/g1p/auto-twisted-extended.html#doubling-dbl-2008-hwcd
    // Cost: 4M + 4S + 1*a + 6add + 1*2.
    double() {
      const { X: X1, Y: Y1, Z: Z1 } = this;
      const A = Fp2.sqr(X1);
      const B2 = Fp2.sqr(Y1);
      const C = Fp2.mul(Fp2.sqr(Z1), _2n2);
      const D = mulA(A);
      const x1y1 = Fp2.addN(X1, Y1);
      const E = Fp2.sub(Fp2.subN(Fp2.sqr(x1y1), A), B2);
      const G = Fp2.addN(D, B2);
      const F2 = Fp2.subN(G, C);
      const H = Fp2.subN(D, B2);
      const X3 = Fp2.mul(E, F2);
      const Y3 = Fp2.mul(G, H);
      const T3 = Fp2.mul(E, H);
      const Z3 = Fp2.mul(F2, G);
      return new Point(X3, Y3, Z3, T3);
    }
    // Fast algo for adding 2 Extended Points.
    // https://hyperelliptic.org/EFD/g1p/auto-twisted-extended.html#addition-add-2008-hwcd
    // Cost: 9M + 1*a + 1*d + 7add.
    add(other) {
      aedpoint(other);
      const { d } = CURVE;
      const { X: X1, Y: Y1, Z: Z1, T: T1 } = this;
      const { X: X2, Y: Y2, Z: Z2, T: T2 } = other;
      const A = Fp2.mul(X1, X2);
      const B2 = Fp2.mul(Y1, Y2);
      const C = Fp2.mul(Fp2.mulN(T1, d), T2);
      const D = Fp2.mul(Z1, Z2);
      const E = Fp2.sub(Fp2.subN(Fp2.mulN(Fp2.addN(X1, Y1), Fp2.addN(X2, Y2)), A), B2);
      const F2 = Fp2.subN(D, C);
      const G = Fp2.addN(D, C);
      const H = Fp2.sub(B2, mulA(A));
      const X3 = Fp2.mul(E, F2);
      const Y3 = Fp2.mul(G, H);
      const T3 = Fp2.mul(E, H);
      const Z3 = Fp2.mul(F2, G);
      return new Point(X3, Y3, Z3, T3);
    }
    subtract(other) {
      aedpoint(other);
      return this.add(other.negate());
    }
    // Constant-time multiplication.
    multiply(scalar) {
      if (!Fn.isValidNot0(scalar))
        throw new RangeError("invalid scalar: expected 1 <= sc < curve.n");
      const { p, f } = wnaf.mulSecret(this, scalar, cofactor, normalize);
      return normalize([p, f])[0];
    }
    // Non-constant-time multiplication. Uses double-and-add algorithm.
    // It's faster, but should only be used when you don't care about
    // an exposed private key e.g. sig verification.
    // Keeps the same subgroup-scalar contract: 0 is allowed for public-scalar callers, but
    // n and larger values are rejected instead of being reduced mod n to the identity point.
    multiplyUnsafe(scalar) {
      if (!Fn.isValid(scalar))
        throw new RangeError("invalid scalar: expected 0 <= sc < curve.n");
      if (scalar === _0n4)
        return Point.ZERO;
      if (this.is0() || scalar === _1n4)
        return this;
      return wnaf.mulUnsafe(this, scalar, normalize);
    }
    // Checks if point is of small order.
    // If you add something to small order point, you will have "dirty"
    // point with torsion component.
    // Clears cofactor and checks if the result is 0.
    isSmallOrder() {
      return this.clearCofactor().is0();
    }
    // Multiplies point by curve order and checks if the result is 0.
    // Returns `false` is the point is dirty.
    isTorsionFree() {
      return wnaf.mulUnsafe(this, CURVE.n).is0();
    }
    // Converts Extended point to default (x, y) coordinates.
    // Can accept precomputed Z^-1 - for example, from invertBatch.
    toAffine(invertedZ) {
      const p = this;
      let iz = invertedZ;
      if (iz != null && typeof iz !== "bigint")
        throw new TypeError('"invertedZ" expected bigint, got type=' + typeof iz);
      const { X, Y, Z } = p;
      const is0 = p.is0();
      if (iz == null)
        iz = is0 ? Fp2.create(_8n2) : Fp2.inv(Z);
      const x = Fp2.mul(X, iz);
      const y = Fp2.mul(Y, iz);
      const zz = Fp2.mul(Z, iz);
      if (is0)
        return { x: Fp2.ZERO, y: Fp2.ONE };
      if (!Fp2.eql(zz, Fp2.ONE))
        throw new Error("invZ was invalid");
      return { x, y };
    }
    clearCofactor() {
      if (cofactor === _1n4)
        return this;
      if (cofactor === _2n2)
        return this.double();
      if (cofactor === _4n3)
        return this.double().double();
      if (cofactor === _8n2)
        return this.double().double().double();
      return this.multiplyUnsafe(cofactor);
    }
    toBytes() {
      const { x, y } = this.toAffine();
      const bytes = Fp2.toBytes(y);
      bytes[bytes.length - 1] |= isOdd(x) ? 128 : 0;
      return bytes;
    }
    toHex() {
      return bytesToHex2(this.toBytes());
    }
    toString() {
      return `<Point ${this.is0() ? "ZERO" : this.toHex()}>`;
    }
  }
  const normalize = (points) => normalizeZ(Point, points);
  const wnaf = new ScalarMultiplier(Point, randomBytes5);
  if (wnaf.bits >= 6)
    Point.BASE.precompute(6);
  Object.freeze(Point.prototype);
  Object.freeze(Point);
  return Point;
}
function eddsa(Point, cHash, eddsaOpts = {}) {
  validatePointCons(Point);
  if (typeof cHash !== "function")
    throw new Error('"hash" function param is required');
  const hash = cHash;
  const opts2 = eddsaOpts;
  validateObject(opts2, {}, {
    adjustScalarBytes: "function",
    randomBytes: "function",
    domain: "function",
    prehash: "function",
    zip215: "boolean",
    mapToCurve: "function",
    toMontgomery: "function",
    toMontgomerySecret: "function"
  });
  const { prehash } = opts2;
  const { BASE: BASE2, Fp: Fp2, Fn } = Point;
  const outputLen = hash.outputLen;
  const expectedLen = 2 * Fp2.BYTES;
  if (outputLen !== void 0) {
    asafenumber(outputLen, "hash.outputLen");
    if (outputLen !== expectedLen)
      throw new Error(`hash.outputLen must be ${expectedLen}, got ${outputLen}`);
  }
  const randomBytes5 = opts2.randomBytes === void 0 ? randomBytes3 : opts2.randomBytes;
  const toMontgomery2 = opts2.toMontgomery;
  const toMontgomerySecret2 = opts2.toMontgomerySecret;
  const adjustScalarBytes2 = opts2.adjustScalarBytes === void 0 ? (bytes) => bytes : opts2.adjustScalarBytes;
  const domain = opts2.domain === void 0 ? (data, ctx, phflag) => {
    abool3(phflag, "phflag");
    if (ctx.length || phflag)
      throw new Error("Contexts/pre-hash are not supported");
    return data;
  } : opts2.domain;
  function modN_LE(hash2) {
    return Fn.create(bytesToNumberLE(hash2));
  }
  function getPrivateScalar(key) {
    const len = lengths.secretKey;
    abytes3(key, lengths.secretKey, "secretKey");
    const hashed = abytes3(hash(key), 2 * len, "hashedSecretKey");
    const head = adjustScalarBytes2(hashed.slice(0, len));
    const prefix = hashed.slice(len, 2 * len);
    const scalar = modN_LE(head);
    return { head, prefix, scalar };
  }
  function getExtendedPublicKey(secretKey) {
    const { head, prefix, scalar } = getPrivateScalar(secretKey);
    const point = BASE2.multiply(scalar);
    const pointBytes = point.toBytes();
    return { head, prefix, scalar, point, pointBytes };
  }
  function getPublicKey(secretKey) {
    return getExtendedPublicKey(secretKey).pointBytes;
  }
  function hashDomainToScalar(context = Uint8Array.of(), ...msgs) {
    const msg = concatBytes4(...msgs);
    return modN_LE(hash(domain(msg, abytes3(context, void 0, "context"), !!prehash)));
  }
  function sign(msg, secretKey, options = {}) {
    validateObject(options, {}, {}, "options");
    msg = copyBytes2(abytes3(msg, void 0, "message"));
    if (prehash)
      msg = prehash(msg);
    const { prefix, scalar, pointBytes } = getExtendedPublicKey(secretKey);
    const r = hashDomainToScalar(options.context, prefix, msg);
    const R = BASE2.multiply(r).toBytes();
    const k = hashDomainToScalar(options.context, R, pointBytes, msg);
    const s = Fn.create(r + k * scalar);
    if (!Fn.isValid(s))
      throw new Error("sign failed: invalid s");
    const rs = concatBytes4(R, Fn.toBytes(s));
    return abytes3(rs, lengths.signature, "result");
  }
  const verifyOpts = {
    zip215: opts2.zip215
  };
  function verify(sig, msg, publicKey, options = verifyOpts) {
    validateObject(options);
    const { context } = options;
    const zip215 = options.zip215 === void 0 ? !!verifyOpts.zip215 : options.zip215;
    const len = lengths.signature;
    sig = abytes3(sig, len, "signature");
    msg = abytes3(msg, void 0, "message");
    publicKey = abytes3(publicKey, lengths.publicKey, "publicKey");
    if (zip215 !== void 0)
      abool3(zip215, "zip215");
    if (prehash)
      msg = prehash(msg);
    const mid = len / 2;
    const r = sig.subarray(0, mid);
    const s = bytesToNumberLE(sig.subarray(mid, len));
    let A, R, SB;
    try {
      A = Point.fromBytes(publicKey, zip215);
      R = Point.fromBytes(r, zip215);
      SB = BASE2.multiplyUnsafe(s);
    } catch (error) {
      return false;
    }
    if (!zip215 && A.isSmallOrder())
      return false;
    const k = hashDomainToScalar(context, r, publicKey, msg);
    const RkA = R.add(A.multiplyUnsafe(k));
    return RkA.subtract(SB).clearCofactor().is0();
  }
  const _size = Fp2.BYTES;
  const lengths = {
    secretKey: _size,
    publicKey: _size,
    signature: 2 * _size,
    seed: _size
  };
  function randomSecretKey(seed) {
    seed = seed === void 0 ? randomBytes5(lengths.seed) : seed;
    return abytes3(seed, lengths.seed, "seed");
  }
  function isValidSecretKey(key) {
    return isBytes3(key) && key.length === lengths.secretKey;
  }
  function isValidPublicKey(key, zip215) {
    try {
      return !!Point.fromBytes(key, zip215 === void 0 ? verifyOpts.zip215 : zip215);
    } catch (error) {
      return false;
    }
  }
  const utils = {
    getExtendedPublicKey,
    randomSecretKey,
    isValidSecretKey,
    isValidPublicKey,
    /** Converts an Edwards public key to a companion Montgomery public key. */
    toMontgomery(publicKey) {
      if (toMontgomery2 === void 0)
        throw new Error("Montgomery conversion is not supported for this curve");
      return toMontgomery2(Point.fromBytes(publicKey));
    },
    toMontgomerySecret(secretKey) {
      if (toMontgomerySecret2 === void 0)
        throw new Error("Montgomery conversion is not supported for this curve");
      return toMontgomerySecret2(secretKey);
    }
  };
  Object.freeze(lengths);
  Object.freeze(utils);
  return Object.freeze({
    keygen: createKeygen(randomSecretKey, getPublicKey),
    getPublicKey,
    sign,
    verify,
    utils,
    Point,
    lengths
  });
}

// node_modules/@noble/curves/abstract/fft.js
function checkU32(n, title = "n") {
  if (typeof n !== "number")
    throw new TypeError(`wrong u32 integer "${title}": expected number, got type=${typeof n}`);
  if (!Number.isSafeInteger(n) || n < 0 || n > 4294967295)
    throw new RangeError(`wrong u32 integer "${title}": expected 0..4294967295, got ${n}`);
  return n;
}
function isPowerOfTwo(x) {
  checkU32(x, "x");
  return (x & x - 1) === 0 && x !== 0;
}
function reverseBits(n, bits) {
  checkU32(n);
  if (typeof bits !== "number")
    throw new TypeError('"bits" expected number, got type=' + typeof bits);
  if (!Number.isSafeInteger(bits) || bits < 0 || bits > 32)
    throw new Error(`expected integer 0 <= bits <= 32, got ${bits}`);
  let reversed = 0;
  for (let i = 0; i < bits; i++, n >>>= 1)
    reversed = reversed << 1 | n & 1;
  return reversed >>> 0;
}
function log2(n) {
  checkU32(n);
  return 31 - Math.clz32(n);
}
function bitReversalInplace(values) {
  if (!values || typeof values !== "object" || typeof values.length !== "number")
    throw new TypeError('"values" expected array-like, got type=' + typeof values);
  const n = values.length;
  if (!isPowerOfTwo(n))
    throw new Error("expected positive power-of-two length, got " + n);
  const bits = log2(n);
  for (let i = 0; i < n; i++) {
    const j = reverseBits(i, bits);
    if (i < j) {
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
  }
  return values;
}
var FFTCore = (F2, coreOpts) => {
  validateObject(coreOpts, { N: "number", roots: "object", dit: "boolean" }, { invertButterflies: "boolean", skipStages: "number", brp: "boolean" }, "coreOpts");
  const { N: N2, roots, dit, invertButterflies = false, skipStages = 0, brp = true } = coreOpts;
  checkU32(N2, "coreOpts.N");
  const bits = log2(N2);
  if (!isPowerOfTwo(N2))
    throw new Error("FFT: Polynomial size should be power of two");
  checkU32(skipStages, "coreOpts.skipStages");
  const maxSkipStages = bits === 0 ? 0 : bits - 1;
  if (skipStages > maxSkipStages)
    throw new Error(`FFT: wrong skipStages: expected 0 <= skipStages <= ${maxSkipStages}`);
  if (roots.length !== N2)
    throw new Error(`FFT: wrong roots length: expected ${N2}, got ${roots.length}`);
  const isDit = dit !== invertButterflies;
  return (values) => {
    if (values.length !== N2)
      throw new Error("FFT: wrong Polynomial length");
    if (dit && brp)
      bitReversalInplace(values);
    for (let i = 0, g = 1; i < bits - skipStages; i++) {
      const s = dit ? i + 1 + skipStages : bits - i;
      const m = 1 << s;
      const m2 = m >> 1;
      const stride = N2 >> s;
      for (let k = 0; k < N2; k += m) {
        for (let j = 0, grp = g++; j < m2; j++) {
          const rootPos = invertButterflies ? dit ? N2 - grp : grp : j * stride;
          const i0 = k + j;
          const i1 = k + j + m2;
          const omega = roots[rootPos];
          const b = values[i1];
          const a = values[i0];
          if (isDit) {
            const t = F2.mul(b, omega);
            values[i0] = F2.add(a, t);
            values[i1] = F2.sub(a, t);
          } else if (invertButterflies) {
            values[i0] = F2.add(b, a);
            values[i1] = F2.mul(F2.sub(b, a), omega);
          } else {
            values[i0] = F2.add(a, b);
            values[i1] = F2.mul(F2.sub(a, b), omega);
          }
        }
      }
    }
    if (!dit && brp)
      bitReversalInplace(values);
    return values;
  };
};

// node_modules/@noble/curves/abstract/montgomery.js
var _0n5 = /* @__PURE__ */ BigInt(0);
var _1n5 = /* @__PURE__ */ BigInt(1);
var _2n3 = /* @__PURE__ */ BigInt(2);
function cmask(P2, swap) {
  return P2 + swap - (swap >> _1n5 << _1n5);
}
function cswap(P2) {
  const offset = BigInt(6) * P2;
  return (mask, x_2, x_3) => {
    const sum = x_2 + x_3;
    const d = offset + x_3 - x_2;
    const a = (d * mask + x_2) % P2;
    return { x_2: a, x_3: sum - a };
  };
}
function validateOpts(curve) {
  validateObject(curve, {
    P: "bigint",
    type: "string",
    adjustScalarBytes: "function",
    powPminus2: "function"
  }, {
    randomBytes: "function",
    scalarMultBase: "function"
  });
  return Object.freeze({ ...curve });
}
function montgomery(curveDef) {
  const CURVE = validateOpts(curveDef);
  const { P: P2, type, adjustScalarBytes: adjustScalarBytes2, powPminus2, randomBytes: rand } = CURVE;
  const mulBaseHook = CURVE.scalarMultBase;
  const is25519 = type === "x25519";
  if (!is25519 && type !== "x448")
    throw new Error("invalid type");
  const randomBytes_ = rand === void 0 ? randomBytes3 : rand;
  const montgomeryBits = is25519 ? 255 : 448;
  const swap = cswap(P2);
  const fieldLen = is25519 ? 32 : 56;
  const Gu = is25519 ? BigInt(9) : BigInt(5);
  const a24 = is25519 ? BigInt(121665) : BigInt(39081);
  const minScalar = is25519 ? _2n3 ** BigInt(254) : _2n3 ** BigInt(447);
  const maxAdded = is25519 ? BigInt(8) * (_2n3 ** BigInt(251) - _1n5) : BigInt(4) * (_2n3 ** BigInt(445) - _1n5);
  const maxScalar = minScalar + maxAdded + _1n5;
  const modP = (n) => mod(n, P2);
  const GuBytes = encodeU(Gu);
  function encodeU(u) {
    return numberToBytesLE(modP(u), fieldLen);
  }
  function decodeU(u) {
    const _u = copyBytes2(abytes3(u, fieldLen, "uCoordinate"));
    if (is25519)
      _u[31] &= 127;
    return modP(bytesToNumberLE(_u));
  }
  function decodeScalar(scalar) {
    return bytesToNumberLE(adjustScalarBytes2(copyBytes2(abytes3(scalar, fieldLen, "scalar"))));
  }
  const lowOrderU = new Set(is25519 ? [
    _0n5,
    _1n5,
    P2 - _1n5,
    BigInt("325606250916557431795983626356110631294008115727848805560023387167927233504"),
    BigInt("39382357235489614581723060781553021112529911719440698176882885853963445705823")
  ] : [_0n5, _1n5, P2 - _1n5]);
  function scalarMult(scalar, u) {
    const pointU = decodeU(u);
    if (lowOrderU.has(pointU))
      throw new Error("invalid private or public key received");
    const pu = montgomeryLadder(pointU, decodeScalar(scalar));
    if (pu === _0n5)
      throw new Error("invalid private or public key received");
    return encodeU(pu);
  }
  function scalarMultBase(scalar) {
    if (mulBaseHook === void 0)
      return scalarMult(scalar, GuBytes);
    const k = decodeScalar(scalar);
    aInRange("scalar", k, minScalar, maxScalar);
    const pu = modP(mulBaseHook(k));
    if (pu === _0n5)
      throw new Error("invalid private or public key received");
    return encodeU(pu);
  }
  const getPublicKey = scalarMultBase;
  const getSharedSecret = scalarMult;
  function montgomeryLadder(u, scalar) {
    aInRange("u", u, _0n5, P2);
    aInRange("scalar", scalar, minScalar, maxScalar);
    const k = scalar;
    const x_1 = u;
    let x_2 = _1n5;
    let z_2 = _0n5;
    let x_3 = u;
    let z_3 = _1n5;
    const kx = k ^ k >> _1n5;
    for (let t = BigInt(montgomeryBits - 1); t >= _0n5; t--) {
      const mask2 = cmask(P2, kx >> t);
      ({ x_2, x_3 } = swap(mask2, x_2, x_3));
      ({ x_2: z_2, x_3: z_3 } = swap(mask2, z_2, z_3));
      const A = x_2 + z_2;
      const AA = modP(A * A);
      const B2 = x_2 - z_2;
      const BB = modP(B2 * B2);
      const E = AA - BB;
      const C = x_3 + z_3;
      const D = x_3 - z_3;
      const DA = modP(D * A);
      const CB = modP(C * B2);
      const dacb = DA + CB;
      const da_cb = DA - CB;
      x_3 = modP(dacb * dacb);
      z_3 = modP(x_1 * modP(da_cb * da_cb));
      x_2 = modP(AA * BB);
      z_2 = modP(E * (AA + modP(a24 * E)));
    }
    const mask = cmask(P2, k);
    ({ x_2, x_3 } = swap(mask, x_2, x_3));
    ({ x_2: z_2, x_3: z_3 } = swap(mask, z_2, z_3));
    const z2 = powPminus2(z_2);
    return modP(x_2 * z2);
  }
  const lengths = {
    secretKey: fieldLen,
    publicKey: fieldLen,
    seed: fieldLen
  };
  const randomSecretKey = (seed) => {
    seed = seed === void 0 ? randomBytes_(fieldLen) : seed;
    abytes3(seed, lengths.seed, "seed");
    return seed;
  };
  const utils = { randomSecretKey };
  Object.freeze(lengths);
  Object.freeze(utils);
  return Object.freeze({
    keygen: createKeygen(randomSecretKey, getPublicKey),
    getSharedSecret,
    getPublicKey,
    scalarMult,
    scalarMultBase,
    utils,
    GuBytes: GuBytes.slice(),
    lengths
  });
}

// node_modules/@noble/curves/ed25519.js
var _0n6 = /* @__PURE__ */ BigInt(0);
var _1n6 = /* @__PURE__ */ BigInt(1);
var _2n4 = /* @__PURE__ */ BigInt(2);
var _3n2 = /* @__PURE__ */ BigInt(3);
var _5n2 = /* @__PURE__ */ BigInt(5);
var _8n3 = /* @__PURE__ */ BigInt(8);
var ed25519_CURVE_p = /* @__PURE__ */ BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed");
var ed25519_CURVE = /* @__PURE__ */ (() => ({
  p: ed25519_CURVE_p,
  n: BigInt("0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"),
  h: _8n3,
  a: BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec"),
  d: BigInt("0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3"),
  Gx: BigInt("0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a"),
  Gy: BigInt("0x6666666666666666666666666666666666666666666666666666666666666658")
}))();
function ed25519_pow_2_252_3(x) {
  const _10n = BigInt(10), _20n = BigInt(20), _40n = BigInt(40), _80n = BigInt(80);
  const P2 = ed25519_CURVE_p;
  const x2 = x * x % P2;
  const b2 = x2 * x % P2;
  const b4 = pow2(b2, _2n4, P2) * b2 % P2;
  const b5 = pow2(b4, _1n6, P2) * x % P2;
  const b10 = pow2(b5, _5n2, P2) * b5 % P2;
  const b20 = pow2(b10, _10n, P2) * b10 % P2;
  const b40 = pow2(b20, _20n, P2) * b20 % P2;
  const b80 = pow2(b40, _40n, P2) * b40 % P2;
  const b160 = pow2(b80, _80n, P2) * b80 % P2;
  const b240 = pow2(b160, _80n, P2) * b80 % P2;
  const b250 = pow2(b240, _10n, P2) * b10 % P2;
  const pow_p_5_8 = pow2(b250, _2n4, P2) * x % P2;
  return { pow_p_5_8, b2 };
}
function adjustScalarBytes(bytes) {
  bytes[0] &= 248;
  bytes[31] &= 127;
  bytes[31] |= 64;
  return bytes;
}
var ED25519_SQRT_M1 = /* @__PURE__ */ BigInt("19681161376707505956807079304988542015446066515923890162744021073123829784752");
function uvRatio(u, v) {
  const P2 = ed25519_CURVE_p;
  const v3 = mod(v * v * v, P2);
  const v7 = mod(v3 * v3 * v, P2);
  const pow3 = ed25519_pow_2_252_3(u * v7).pow_p_5_8;
  let x = mod(u * v3 * pow3, P2);
  const vx2 = mod(v * x * x, P2);
  const root1 = x;
  const root2 = mod(x * ED25519_SQRT_M1, P2);
  const useRoot1 = vx2 === u;
  const useRoot2 = vx2 === mod(-u, P2);
  const noRoot = vx2 === mod(-u * ED25519_SQRT_M1, P2);
  if (useRoot1)
    x = root1;
  if (useRoot2 || noRoot)
    x = root2;
  if (isNegativeLE(x, P2))
    x = mod(-x, P2);
  return { isValid: useRoot1 || useRoot2, value: x };
}
var ed25519_Point = /* @__PURE__ */ edwards(ed25519_CURVE, { uvRatio });
var Fp = /* @__PURE__ */ (() => ed25519_Point.Fp)();
function toMontgomery(point) {
  const { y } = point;
  return Fp.toBytes(Fp.div(_1n6 + y, _1n6 - y));
}
function toMontgomerySecret(secretKey) {
  const size = ed25519_Point.Fp.BYTES;
  abytes2(secretKey, size);
  return adjustScalarBytes(sha512(secretKey.subarray(0, size))).subarray(0, size);
}
function ed(opts2) {
  return eddsa(ed25519_Point, sha512, Object.assign({ adjustScalarBytes, toMontgomery, toMontgomerySecret, zip215: true }, opts2));
}
var ed25519 = /* @__PURE__ */ ed({});
var x25519 = /* @__PURE__ */ (() => {
  const P2 = ed25519_CURVE_p;
  const powPminus2 = (x) => {
    const { pow_p_5_8, b2 } = ed25519_pow_2_252_3(x);
    return mod(pow2(pow_p_5_8, _3n2, P2) * b2, P2);
  };
  return montgomery({
    P: P2,
    type: "x25519",
    powPminus2,
    adjustScalarBytes,
    // ~3x faster fixed-base: [k]B on the birationally-equivalent Edwards curve using cached
    // base tables, mapped back via u = (1+y)/(1-y) = (Z+Y)/(Z-Y) with one Fermat inversion.
    // Same construction as libsodium's crypto_scalarmult_curve25519_base.
    scalarMultBase: (k) => {
      const kn = mod(k, ed25519_Point.Fn.ORDER);
      if (kn === _0n6)
        return _0n6;
      const p = ed25519_Point.BASE.multiply(kn);
      return mod((p.Z + p.Y) * powPminus2(mod(p.Z - p.Y, P2)), P2);
    }
  });
})();

// node_modules/@noble/hashes/hmac.js
var _HMAC = class {
  oHash;
  iHash;
  blockLen;
  outputLen;
  canXOF = false;
  finished = false;
  destroyed = false;
  constructor(hash, key) {
    ahash(hash);
    abytes2(key, void 0, "key");
    this.iHash = hash.create();
    if (typeof this.iHash.update !== "function")
      throw new Error("expected Hash instance");
    this.blockLen = this.iHash.blockLen;
    this.outputLen = this.iHash.outputLen;
    const blockLen = this.blockLen;
    const pad = new Uint8Array(blockLen);
    pad.set(key.length > blockLen ? hash.create().update(key).digest() : key);
    for (let i = 0; i < pad.length; i++)
      pad[i] ^= 54;
    this.iHash.update(pad);
    this.oHash = hash.create();
    for (let i = 0; i < pad.length; i++)
      pad[i] ^= 54 ^ 92;
    this.oHash.update(pad);
    clean2(pad);
  }
  update(buf) {
    aexists2(this);
    this.iHash.update(buf);
    return this;
  }
  digestInto(out) {
    aexists2(this);
    aoutput2(out, this);
    this.finished = true;
    const buf = out.subarray(0, this.outputLen);
    this.iHash.digestInto(buf);
    this.oHash.update(buf);
    this.oHash.digestInto(buf);
    this.destroy();
  }
  digest() {
    const out = new Uint8Array(this.oHash.outputLen);
    this.digestInto(out);
    return out;
  }
  _cloneInto(to) {
    to ||= Object.create(Object.getPrototypeOf(this), {});
    const { oHash, iHash, finished, destroyed, blockLen, outputLen, canXOF } = this;
    to = to;
    to.finished = finished;
    to.destroyed = destroyed;
    to.blockLen = blockLen;
    to.outputLen = outputLen;
    to.canXOF = canXOF;
    to.oHash = oHash._cloneInto(to.oHash);
    to.iHash = iHash._cloneInto(to.iHash);
    return to;
  }
  clone() {
    return this._cloneInto();
  }
  destroy() {
    this.destroyed = true;
    this.oHash.destroy();
    this.iHash.destroy();
  }
};
var hmac = /* @__PURE__ */ (() => {
  const hmac_ = ((hash, key, message) => new _HMAC(hash, key).update(message).digest());
  hmac_.create = (hash, key) => new _HMAC(hash, key);
  return hmac_;
})();

// node_modules/@noble/hashes/hkdf.js
var HKDF_COUNTER = /* @__PURE__ */ Uint8Array.of(0);
var EMPTY_BUFFER2 = /* @__PURE__ */ Uint8Array.of();
function expand(hash, prk, info, length = 32, _recycled) {
  ahash(hash);
  anumber2(length, "length");
  abytes2(prk, void 0, "prk");
  const olen = hash.outputLen;
  if (prk.length < olen)
    throw new Error('"prk" must be at least HashLen octets');
  if (length > 255 * olen)
    throw new Error("Length must be <= 255*HashLen");
  const blocks = Math.ceil(length / olen);
  if (info === void 0)
    info = EMPTY_BUFFER2;
  else
    abytes2(info, void 0, "info");
  if (!blocks) {
    if (_recycled)
      clean2(prk);
    return new Uint8Array();
  }
  const okm = _recycled && blocks === 1 ? prk : new Uint8Array(blocks * olen);
  const { iHash, oHash } = hmac.create(hash, prk);
  const T = _recycled ? prk : new Uint8Array(olen);
  const worker = blocks > 1 ? _recycled?.iHash || hash.create() : void 0;
  for (let counter = 0; counter < blocks - 1; counter++) {
    HKDF_COUNTER[0] = counter + 1;
    const iWork = iHash._cloneInto(worker);
    if (counter)
      iWork.update(T);
    iWork.update(info).update(HKDF_COUNTER).digestInto(T);
    oHash._cloneInto(worker).update(T).digestInto(T);
    okm.set(T, olen * counter);
  }
  HKDF_COUNTER[0] = blocks;
  if (blocks > 1)
    iHash.update(T);
  iHash.update(info).update(HKDF_COUNTER).digestInto(T);
  oHash.update(T).digestInto(T);
  okm.set(T, olen * (blocks - 1));
  iHash.destroy();
  oHash.destroy();
  worker?.destroy();
  if (T !== okm)
    clean2(T);
  clean2(HKDF_COUNTER);
  if (length === okm.length)
    return okm;
  const res = okm.slice(0, length);
  clean2(okm);
  return res;
}
var hkdf = (hash, ikm, salt, info, length) => {
  ahash(hash);
  if (salt === void 0)
    salt = new Uint8Array(hash.outputLen);
  const HMAC = hmac.create(hash, salt).update(ikm);
  return expand(hash, HMAC.digest(), info, length, HMAC);
};

// src/secure/crypto.ts
function assertNonZero(shared) {
  let acc = 0;
  for (let i = 0; i < shared.length; i++) acc |= shared[i];
  if (acc === 0) throw new Error("x25519: low-order public key (all-zero shared secret)");
  return shared;
}
function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i] ^ b[i];
  return acc === 0;
}

// src/secure/crypto-noble.ts
function concat(parts) {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
var NobleAead = class {
  constructor(cipher, key) {
    this.key = key;
    if (key.length !== 32) throw new Error("aead: key must be 32 bytes");
    this.make = cipher === "AESGCM" ? gcm : chacha20poly1305;
  }
  key;
  make;
  seal(nonce, ad, plaintext) {
    return this.make(this.key, nonce, ad).encrypt(plaintext);
  }
  open(nonce, ad, ciphertext) {
    if (ciphertext.length < 16) return null;
    try {
      return this.make(this.key, nonce, ad).decrypt(ciphertext);
    } catch {
      return null;
    }
  }
};
var nobleCrypto = {
  name: "noble",
  aead: (cipher, key) => new NobleAead(cipher, key.slice()),
  x25519Generate() {
    const privateKey = randomBytes2(32);
    return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
  },
  x25519PublicKey: (priv) => x25519.getPublicKey(priv),
  x25519(priv, pub) {
    let out;
    try {
      out = x25519.getSharedSecret(priv, pub);
    } catch (err) {
      throw new Error("x25519: low-order public key (all-zero shared secret)", { cause: err });
    }
    return assertNonZero(out);
  },
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, msg) => ed25519.sign(msg, seed),
  ed25519Verify(pub, msg, sig) {
    if (pub.length !== 32 || sig.length !== 64) return false;
    try {
      return ed25519.verify(sig, msg, pub, { zip215: false });
    } catch {
      return false;
    }
  },
  sha512: (data) => sha512(data),
  sha256: (...parts) => sha256(concat(parts)),
  hmacSha256: (key, ...parts) => hmac(sha256, key, concat(parts)),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  randomBytes: (n) => randomBytes2(n)
};

// src/secure/identity.ts
function generateIdentity(crypto = nobleCrypto) {
  const seed = crypto.randomBytes(32);
  return { seed, publicKey: crypto.ed25519PublicKey(seed) };
}
function noiseStaticKey(identity, crypto) {
  const cached = staticCache.get(identity);
  if (cached && cached.crypto === crypto) return cached.pair;
  const privateKey = crypto.sha512(identity.seed).slice(0, 32);
  const pair = { privateKey, publicKey: crypto.x25519PublicKey(privateKey) };
  staticCache.set(identity, { crypto, pair });
  return pair;
}
var staticCache = /* @__PURE__ */ new WeakMap();
var P = 2n ** 255n - 19n;
function invert2(a) {
  let r0 = P;
  let r1 = a % P;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return (t0 % P + P) % P;
}
var montgomeryCache = /* @__PURE__ */ new Map();
function x25519FromEd25519Public(edPublicKey) {
  if (edPublicKey.length !== 32) throw new Error("Ed25519 public key must be 32 bytes");
  const cacheKey = String.fromCharCode(...edPublicKey);
  const cached = montgomeryCache.get(cacheKey);
  if (cached) return cached.slice();
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = y << 8n | BigInt(edPublicKey[i]);
  y &= (1n << 255n) - 1n;
  if (y >= P || y === 1n) throw new Error("invalid Ed25519 public key");
  const u = (1n + y) * invert2((1n - y + P) % P) % P;
  const out = new Uint8Array(32);
  let v = u;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (montgomeryCache.size >= 4096) montgomeryCache.delete(montgomeryCache.keys().next().value);
  montgomeryCache.set(cacheKey, out.slice());
  return out;
}
var BIND_LABEL = new TextEncoder().encode("XTMP-v1 identity binding\0");
function bindingMessage(role, noiseStatic, handshakeHash) {
  const out = new Uint8Array(BIND_LABEL.length + 1 + 32 + handshakeHash.length);
  out.set(BIND_LABEL);
  out[BIND_LABEL.length] = role.charCodeAt(0);
  out.set(noiseStatic, BIND_LABEL.length + 1);
  out.set(handshakeHash, BIND_LABEL.length + 33);
  return out;
}

// src/wire/byte-queue.ts
var ByteQueue = class {
  chunks = [];
  head = 0;
  // offset into chunks[0]
  /** Bytes available. */
  length = 0;
  /** Appends a received chunk (kept by reference: the caller must not reuse it). */
  push(chunk) {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  /** The first `n` bytes without consuming them (a view when they sit in one chunk, else one copy). */
  peek(n) {
    if (n > this.length) throw new RangeError("ByteQueue: not enough bytes");
    const first = this.chunks[0];
    if (first && first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = new Uint8Array(n);
    let off = 0;
    let h = this.head;
    for (const c of this.chunks) {
      const part = c.subarray(h, Math.min(c.length, h + n - off));
      out.set(part, off);
      off += part.length;
      h = 0;
      if (off === n) break;
    }
    return out;
  }
  /** Up to `n` leading bytes as a view or single copy, for prefix checks (never more than available). */
  peekUpTo(n) {
    return this.peek(Math.min(n, this.length));
  }
  /** Drops `n` bytes. */
  skip(n) {
    if (n > this.length) throw new RangeError("ByteQueue: not enough bytes");
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[0];
      const left = c.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }
  /** Takes `n` bytes (peek + skip). */
  take(n) {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }
};

// src/wire/preamble.ts
var MAGIC = new Uint8Array([88, 84, 77, 80]);
var PROTOCOL_VERSION = 1;
var HELLO_SIZE = 8;
var HandshakeMode = /* @__PURE__ */ ((HandshakeMode2) => {
  HandshakeMode2[HandshakeMode2["INSECURE"] = 0] = "INSECURE";
  HandshakeMode2[HandshakeMode2["XX"] = 1] = "XX";
  HandshakeMode2[HandshakeMode2["IK"] = 2] = "IK";
  return HandshakeMode2;
})(HandshakeMode || {});
var Feature = {
  /** Hybrid post-quantum handshake (X25519 + ML-KEM-768, Noise "hfs" tokens). */
  PQ_HYBRID: 1,
  /** zstd message compression. */
  ZSTD: 2
};
var HelloStatus = /* @__PURE__ */ ((HelloStatus2) => {
  HelloStatus2[HelloStatus2["OK"] = 0] = "OK";
  HelloStatus2[HelloStatus2["BAD_PREAMBLE"] = 1] = "BAD_PREAMBLE";
  HelloStatus2[HelloStatus2["VERSION_UNSUPPORTED"] = 2] = "VERSION_UNSUPPORTED";
  HelloStatus2[HelloStatus2["MODE_REFUSED"] = 3] = "MODE_REFUSED";
  HelloStatus2[HelloStatus2["CIPHER_UNSUPPORTED"] = 4] = "CIPHER_UNSUPPORTED";
  HelloStatus2[HelloStatus2["FEATURE_REQUIRED"] = 5] = "FEATURE_REQUIRED";
  HelloStatus2[HelloStatus2["HANDSHAKE_FAILED"] = 6] = "HANDSHAKE_FAILED";
  return HelloStatus2;
})(HelloStatus || {});
function checkMagic(buf) {
  const n = Math.min(buf.length, 4);
  for (let i = 0; i < n; i++) if (buf[i] !== MAGIC[i]) protocolError("not an XTMP peer (bad magic)");
}
function encodeClientHello(h) {
  const out = new Uint8Array(HELLO_SIZE);
  out.set(MAGIC);
  out[4] = h.version;
  out[5] = h.mode;
  out[6] = h.cipher;
  out[7] = h.features;
  return out;
}
function parseServerHello(buf) {
  checkMagic(buf);
  if (buf.length < HELLO_SIZE) return void 0;
  const h = { version: buf[4], status: buf[5], features: buf[6] };
  if (h.status === 0 /* OK */) return [h, HELLO_SIZE];
  if (buf.length < HELLO_SIZE + 2) return void 0;
  const len = buf[8] << 8 | buf[9];
  if (len > 1024) protocolError("ServerHello reason too long");
  if (buf.length < HELLO_SIZE + 2 + len) return void 0;
  h.reason = new TextDecoder("utf-8", { fatal: false }).decode(buf.subarray(10, 10 + len));
  return [h, HELLO_SIZE + 2 + len];
}

// src/wire/record.ts
var LENGTH_PREFIX = 2;
var MAX_RECORD_BODY = 65535;
var TAG_SIZE = 16;
var DEFAULT_MAX_PLAINTEXT = 16384;
var MAX_PLAINTEXT_LIMIT = MAX_RECORD_BODY - TAG_SIZE;
var MIN_PLAINTEXT_LIMIT = 1024;
var CRC_SIZE = 4;
function writeLength(buf, off, n) {
  buf[off] = n >>> 8;
  buf[off + 1] = n & 255;
}
function readLength(buf, maxBody) {
  if (buf.length < LENGTH_PREFIX) return void 0;
  const n = buf[0] << 8 | buf[1];
  if (n > maxBody) protocolError(`record of ${n} bytes exceeds the limit of ${maxBody}`);
  return n;
}

// node_modules/@noble/hashes/sha3.js
var _0n7 = BigInt(0);
var _1n7 = BigInt(1);
var _2n5 = BigInt(2);
var _7n2 = BigInt(7);
var _256n = BigInt(256);
var _0x71n = BigInt(113);
var SHA3_PI = [];
var SHA3_ROTL = [];
var _SHA3_IOTA = [];
for (let round = 0, R = _1n7, x = 1, y = 0; round < 24; round++) {
  [x, y] = [y, (2 * x + 3 * y) % 5];
  SHA3_PI.push(2 * (5 * y + x));
  SHA3_ROTL.push((round + 1) * (round + 2) / 2 % 64);
  let t = _0n7;
  for (let j = 0; j < 7; j++) {
    R = (R << _1n7 ^ (R >> _7n2) * _0x71n) % _256n;
    if (R & _2n5)
      t ^= _1n7 << (_1n7 << BigInt(j)) - _1n7;
  }
  _SHA3_IOTA.push(t);
}
var IOTAS = split(_SHA3_IOTA, true);
var SHA3_IOTA_H = IOTAS[0];
var SHA3_IOTA_L = IOTAS[1];
var rotlSH = (h, l, s) => h << s | l >>> 32 - s;
var rotlSL = (h, l, s) => l << s | h >>> 32 - s;
var rotlBH = (h, l, s) => l << s - 32 | h >>> 64 - s;
var rotlBL = (h, l, s) => h << s - 32 | l >>> 64 - s;
var rotlH = (h, l, s) => s > 32 ? rotlBH(h, l, s) : rotlSH(h, l, s);
var rotlL = (h, l, s) => s > 32 ? rotlBL(h, l, s) : rotlSL(h, l, s);
var B = new Uint32Array(5 * 2);
function keccakP(s, rounds = 24) {
  if (!(s instanceof Uint32Array))
    throw new TypeError('"s" expected Uint32Array(50), got type=' + typeof s);
  if (s.length !== 50)
    throw new RangeError('"s" expected Uint32Array(50), got length=' + s.length);
  anumber2(rounds, "rounds");
  if (rounds < 1 || rounds > 24)
    throw new Error('"rounds" expected integer 1..24');
  for (let round = 24 - rounds; round < 24; round++) {
    for (let x = 0; x < 10; x++)
      B[x] = s[x] ^ s[x + 10] ^ s[x + 20] ^ s[x + 30] ^ s[x + 40];
    for (let x = 0; x < 10; x += 2) {
      const idx1 = (x + 8) % 10;
      const idx0 = (x + 2) % 10;
      const B0 = B[idx0];
      const B1 = B[idx0 + 1];
      const Th = rotlH(B0, B1, 1) ^ B[idx1];
      const Tl = rotlL(B0, B1, 1) ^ B[idx1 + 1];
      for (let y = 0; y < 50; y += 10) {
        s[x + y] ^= Th;
        s[x + y + 1] ^= Tl;
      }
    }
    let curH = s[2];
    let curL = s[3];
    for (let t = 0; t < 24; t++) {
      const shift = SHA3_ROTL[t];
      const Th = rotlH(curH, curL, shift);
      const Tl = rotlL(curH, curL, shift);
      const PI = SHA3_PI[t];
      curH = s[PI];
      curL = s[PI + 1];
      s[PI] = Th;
      s[PI + 1] = Tl;
    }
    for (let y = 0; y < 50; y += 10) {
      const b0 = s[y], b1 = s[y + 1], b2 = s[y + 2], b3 = s[y + 3];
      s[y] ^= ~s[y + 2] & s[y + 4];
      s[y + 1] ^= ~s[y + 3] & s[y + 5];
      s[y + 2] ^= ~s[y + 4] & s[y + 6];
      s[y + 3] ^= ~s[y + 5] & s[y + 7];
      s[y + 4] ^= ~s[y + 6] & s[y + 8];
      s[y + 5] ^= ~s[y + 7] & s[y + 9];
      s[y + 6] ^= ~s[y + 8] & b0;
      s[y + 7] ^= ~s[y + 9] & b1;
      s[y + 8] ^= ~b0 & b2;
      s[y + 9] ^= ~b1 & b3;
    }
    s[0] ^= SHA3_IOTA_H[round];
    s[1] ^= SHA3_IOTA_L[round];
  }
  clean2(B);
}
var Keccak = class _Keccak {
  state;
  pos = 0;
  posOut = 0;
  finished = false;
  state32;
  destroyed = false;
  blockLen;
  suffix;
  outputLen;
  canXOF;
  enableXOF = false;
  rounds;
  // NOTE: we accept arguments in bytes instead of bits here.
  constructor(blockLen, suffix, outputLen, enableXOF = false, rounds = 24) {
    anumber2(blockLen, "blockLen");
    anumber2(suffix, "suffix");
    anumber2(rounds, "rounds");
    abool2(enableXOF, "enableXOF");
    this.blockLen = blockLen;
    this.suffix = suffix;
    this.outputLen = outputLen;
    this.enableXOF = enableXOF;
    this.canXOF = enableXOF;
    this.rounds = rounds;
    anumber2(outputLen, "outputLen");
    if (!(0 < blockLen && blockLen < 200))
      throw new Error('"blockLen" must be 1..199');
    this.state = new Uint8Array(200);
    this.state32 = u322(this.state);
  }
  clone() {
    return this._cloneInto();
  }
  keccak() {
    swap32IfBE2(this.state32);
    keccakP(this.state32, this.rounds);
    swap32IfBE2(this.state32);
    this.posOut = 0;
    this.pos = 0;
  }
  update(data) {
    aexists2(this);
    abytes2(data);
    const { blockLen, state, state32 } = this;
    const len = data.length;
    const canUseU32 = blockLen % 4 === 0 && data.byteOffset % 4 === 0;
    const blockLen32 = blockLen / 4;
    const data32 = canUseU32 && len >= blockLen ? u322(data) : void 0;
    for (let pos = 0; pos < len; ) {
      if (data32 !== void 0 && this.pos === 0 && pos % 4 === 0 && len - pos >= blockLen) {
        for (let i = 0, o = pos / 4; i < blockLen32; i++)
          state32[i] ^= data32[o + i];
        pos += blockLen;
        this.pos = blockLen;
        this.keccak();
        continue;
      }
      const take = Math.min(blockLen - this.pos, len - pos);
      for (let i = 0; i < take; i++)
        state[this.pos++] ^= data[pos++];
      if (this.pos === blockLen)
        this.keccak();
    }
    return this;
  }
  finish() {
    if (this.finished)
      return;
    this.finished = true;
    const { state, suffix, pos, blockLen } = this;
    state[pos] ^= suffix;
    if ((suffix & 128) !== 0 && pos === blockLen - 1)
      this.keccak();
    state[blockLen - 1] ^= 128;
    this.keccak();
  }
  writeInto(out) {
    aexists2(this, false);
    abytes2(out);
    this.finish();
    const bufferOut = this.state;
    const { blockLen } = this;
    for (let pos = 0, len = out.length; pos < len; ) {
      if (this.posOut >= blockLen)
        this.keccak();
      const take = Math.min(blockLen - this.posOut, len - pos);
      out.set(bufferOut.subarray(this.posOut, this.posOut + take), pos);
      this.posOut += take;
      pos += take;
    }
    return out;
  }
  xofInto(out) {
    if (!this.enableXOF)
      throw new Error("XOF is not enabled");
    return this.writeInto(out);
  }
  xof(bytes) {
    anumber2(bytes);
    return this.xofInto(new Uint8Array(bytes));
  }
  digestInto(out) {
    aoutput2(out, this);
    if (this.finished)
      throw new Error("digest() was already called");
    this.writeInto(out.length === this.outputLen ? out : out.subarray(0, this.outputLen));
    this.destroy();
  }
  digest() {
    const out = new Uint8Array(this.outputLen);
    this.digestInto(out);
    return out;
  }
  destroy() {
    this.destroyed = true;
    clean2(this.state);
  }
  _cloneInto(to) {
    const { blockLen, suffix, outputLen, rounds, enableXOF } = this;
    to ||= new _Keccak(blockLen, suffix, outputLen, enableXOF, rounds);
    to.blockLen = blockLen;
    to.state32.set(this.state32);
    to.pos = this.pos;
    to.posOut = this.posOut;
    to.finished = this.finished;
    to.rounds = rounds;
    to.suffix = suffix;
    to.outputLen = outputLen;
    to.enableXOF = enableXOF;
    to.canXOF = this.canXOF;
    to.destroyed = this.destroyed;
    return to;
  }
};
var genKeccak = (suffix, blockLen, outputLen, info = {}) => createHasher(() => new Keccak(blockLen, suffix, outputLen), info);
var sha3_256 = /* @__PURE__ */ genKeccak(
  6,
  136,
  32,
  /* @__PURE__ */ oidNist(8)
);
var sha3_512 = /* @__PURE__ */ genKeccak(
  6,
  72,
  64,
  /* @__PURE__ */ oidNist(10)
);
var genShake = (suffix, blockLen, outputLen, info = {}) => createHasher((opts2 = {}) => {
  opts2 = checkOpts2({}, opts2);
  return new Keccak(blockLen, suffix, opts2.dkLen === void 0 ? outputLen : opts2.dkLen, true);
}, info);
var shake128 = /* @__PURE__ */ genShake(31, 168, 16, /* @__PURE__ */ oidNist(11));
var shake256 = /* @__PURE__ */ genShake(31, 136, 32, /* @__PURE__ */ oidNist(12));

// node_modules/@noble/post-quantum/utils.js
var abytesDoc = abytes2;
var randomBytes4 = randomBytes2;
function aarray2(item, title, inner = () => {
}) {
  if (!Array.isArray(item))
    throw new TypeError(`"${title}" expected array, got type=${typeof item}`);
  for (let i = 0; i < item.length; i++)
    inner(item[i], `${title}[${i}]`);
  return item;
}
function equalBytes2(a, b) {
  a = abytes2(a);
  b = abytes2(b);
  if (a.length !== b.length)
    return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++)
    diff |= a[i] ^ b[i];
  return diff === 0;
}
function copyBytes3(bytes) {
  return new Uint8Array(abytes2(bytes));
}
function splitCoder(label, ...lengths) {
  const getLength = (c) => typeof c === "number" ? c : c.bytesLen;
  const bytesLen = lengths.reduce((sum, a) => sum + getLength(a), 0);
  return {
    bytesLen,
    encode: (bufs) => {
      const res = new Uint8Array(bytesLen);
      for (let i = 0, pos = 0; i < lengths.length; i++) {
        const c = lengths[i];
        const l = getLength(c);
        const b = typeof c === "number" ? bufs[i] : c.encode(bufs[i]);
        abytes2(b, l, label);
        res.set(b, pos);
        if (typeof c !== "number")
          b.fill(0);
        pos += l;
      }
      return res;
    },
    decode: (buf) => {
      abytes2(buf, bytesLen, label);
      const res = [];
      for (const c of lengths) {
        const l = getLength(c);
        const b = buf.subarray(0, l);
        res.push(typeof c === "number" ? b : c.decode(b));
        buf = buf.subarray(l);
      }
      return res;
    }
  };
}
function vecCoder(c, vecLen) {
  const coder = c;
  const bytesLen = vecLen * coder.bytesLen;
  return {
    bytesLen,
    encode: (u) => {
      const uArr = aarray2(u, "u");
      if (uArr.length !== vecLen)
        throw new RangeError(`vecCoder.encode: wrong length=${uArr.length}. Expected: ${vecLen}`);
      const res = new Uint8Array(bytesLen);
      for (let i = 0, pos = 0; i < uArr.length; i++) {
        const b = coder.encode(uArr[i]);
        res.set(b, pos);
        b.fill(0);
        pos += b.length;
      }
      return res;
    },
    decode: (a) => {
      abytes2(a, bytesLen);
      const r = [];
      for (let i = 0; i < a.length; i += coder.bytesLen)
        r.push(coder.decode(a.subarray(i, i + coder.bytesLen)));
      return r;
    }
  };
}
function cleanBytes(...list) {
  for (const t of list) {
    if (Array.isArray(t))
      for (const b of t)
        b.fill(0);
    else
      t.fill(0);
  }
}
function getMask(bits) {
  anumber2(bits, "bits");
  if (bits > 32)
    throw new RangeError('"bits" expected <= 32, got ' + bits);
  return bits === 32 ? 4294967295 : ~(-1 << bits) >>> 0;
}

// node_modules/@noble/post-quantum/_crystals.js
var genCrystals = (opts2) => {
  const { newPoly, N: N2, Q: Q2, F: F2, ROOT_OF_UNITY: ROOT_OF_UNITY2, brvBits, isKyber } = opts2;
  const mod2 = (a, modulo = Q2) => {
    const result = a % modulo | 0;
    return (result >= 0 ? result | 0 : modulo + result | 0) | 0;
  };
  const smod = (a, modulo = Q2) => {
    const r = mod2(a, modulo) | 0;
    return (r > modulo >> 1 ? r - modulo | 0 : r) | 0;
  };
  function getZettas() {
    const out = newPoly(N2);
    for (let i = 0; i < N2; i++) {
      const b = reverseBits(i, brvBits);
      const p = BigInt(ROOT_OF_UNITY2) ** BigInt(b) % BigInt(Q2);
      out[i] = Number(p) | 0;
    }
    return out;
  }
  const nttZetas = getZettas();
  const inv = (_a) => {
    throw new Error("not implemented");
  };
  const field = isKyber ? {
    add: (a, b) => {
      const r = a + b | 0;
      return r >= Q2 ? r - Q2 | 0 : r;
    },
    sub: (a, b) => {
      const r = a - b | 0;
      return r < 0 ? r + Q2 | 0 : r;
    },
    mul: (a, b) => mod2((a | 0) * (b | 0)) | 0,
    inv
  } : {
    add: (a, b) => mod2((a | 0) + (b | 0)) | 0,
    sub: (a, b) => mod2((a | 0) - (b | 0)) | 0,
    mul: (a, b) => mod2((a | 0) * (b | 0)) | 0,
    inv
  };
  const nttOpts = {
    N: N2,
    roots: nttZetas,
    invertButterflies: true,
    skipStages: isKyber ? 1 : 0,
    brp: false
  };
  const dif = FFTCore(field, { dit: false, ...nttOpts });
  const dit = FFTCore(field, { dit: true, ...nttOpts });
  const NTT = {
    encode: (r) => {
      return dif(r);
    },
    decode: (r) => {
      dit(r);
      for (let i = 0; i < r.length; i++)
        r[i] = mod2(F2 * r[i]);
      return r;
    }
  };
  const bitsCoder = (d, c) => {
    for (let i = 0, bufLen = 0; i < N2; i++) {
      bufLen += d;
      if (bufLen > 32)
        getMask(bufLen);
      bufLen %= 8;
    }
    const mask = getMask(d);
    const bytesLen = d * (N2 / 8);
    return {
      bytesLen,
      encode: (poly_) => {
        const poly = poly_;
        const r = new Uint8Array(bytesLen);
        for (let i = 0, buf = 0, bufLen = 0, pos = 0; i < poly.length; i++) {
          buf |= (c.encode(poly[i]) & mask) << bufLen;
          bufLen += d;
          for (; bufLen >= 8; bufLen -= 8, buf >>= 8)
            r[pos++] = buf & 255;
        }
        return r;
      },
      decode: (bytes) => {
        const r = newPoly(N2);
        for (let i = 0, buf = 0, bufLen = 0, pos = 0; i < bytes.length; i++) {
          buf |= bytes[i] << bufLen;
          bufLen += 8;
          for (; bufLen >= d; bufLen -= d, buf >>= d)
            r[pos++] = c.decode(buf & mask);
        }
        return r;
      }
    };
  };
  return {
    mod: mod2,
    smod,
    nttZetas,
    NTT: {
      encode: (r) => NTT.encode(r),
      decode: (r) => NTT.decode(r)
    },
    bitsCoder
  };
};
var createXofShake = (shake) => (seed, blockLen) => {
  if (!blockLen)
    blockLen = shake.blockLen;
  const _seed = new Uint8Array(seed.length + 2);
  _seed.set(seed);
  const seedLen = seed.length;
  const buf = new Uint8Array(blockLen);
  let h = shake.create({});
  let calls = 0;
  let xofs = 0;
  return {
    stats: () => ({ calls, xofs }),
    get: (x, y) => {
      _seed[seedLen + 0] = x;
      _seed[seedLen + 1] = y;
      h.destroy();
      h = shake.create({}).update(_seed);
      calls++;
      return () => {
        xofs++;
        return h.xofInto(buf);
      };
    },
    clean: () => {
      h.destroy();
      cleanBytes(buf, _seed);
    }
  };
};
var XOF128 = /* @__PURE__ */ createXofShake(shake128);

// node_modules/@noble/post-quantum/ml-kem.js
var N = 256;
var Q = 3329;
var F = 3303;
var ROOT_OF_UNITY = 17;
var crystals = /* @__PURE__ */ genCrystals({
  N,
  Q,
  F,
  ROOT_OF_UNITY,
  newPoly: (n) => new Uint16Array(n),
  brvBits: 7,
  isKyber: true
});
var PARAMS = /* @__PURE__ */ (() => Object.freeze({
  512: Object.freeze({ N, Q, K: 2, ETA1: 3, ETA2: 2, du: 10, dv: 4, RBGstrength: 128 }),
  768: Object.freeze({ N, Q, K: 3, ETA1: 2, ETA2: 2, du: 10, dv: 4, RBGstrength: 192 }),
  1024: Object.freeze({ N, Q, K: 4, ETA1: 2, ETA2: 2, du: 11, dv: 5, RBGstrength: 256 })
}))();
var compress = (d) => {
  if (d >= 12)
    return { encode: (i) => i, decode: (i) => i >= Q ? i - Q : i };
  const a = 2 ** (d - 1);
  return {
    // This only matches standalone Compress_d after bitsCoder masks the result into Z_(2^d).
    encode: (i) => ((i << d) + Q / 2) / Q,
    // const decompress = (i: number) => round((Q / 2 ** d) * i);
    decode: (i) => i * Q + a >>> d
  };
};
var byteCoder = (d) => crystals.bitsCoder(d, d === 12 ? { encode: (i) => i, decode: (i) => i >= Q ? i - Q : i } : { encode: (i) => i, decode: (i) => i });
var polyCoder = (d) => d === 12 ? byteCoder(12) : crystals.bitsCoder(d, compress(d));
function polyAdd(a_, b_) {
  const a = a_;
  const b = b_;
  for (let i = 0; i < N; i++) {
    const r = a[i] + b[i];
    a[i] = r >= Q ? r - Q : r;
  }
}
function polySub(a_, b_) {
  const a = a_;
  const b = b_;
  for (let i = 0; i < N; i++) {
    const r = a[i] - b[i];
    a[i] = r < 0 ? r + Q : r;
  }
}
function BaseCaseMultiply(a0, a1, b0, b1, zeta) {
  const c0 = crystals.mod(crystals.mod(a1 * b1) * zeta + a0 * b0);
  const c1 = crystals.mod(a0 * b1 + a1 * b0);
  return { c0, c1 };
}
function MultiplyNTTs(f_, g_) {
  const f = f_;
  const g = g_;
  for (let i = 0; i < N / 2; i++) {
    let z = crystals.nttZetas[64 + (i >> 1)];
    if (i & 1)
      z = -z;
    const { c0, c1 } = BaseCaseMultiply(f[2 * i + 0], f[2 * i + 1], g[2 * i + 0], g[2 * i + 1], z);
    f[2 * i + 0] = c0;
    f[2 * i + 1] = c1;
  }
  return f;
}
function SampleNTT(xof_) {
  const xof = xof_;
  const r = new Uint16Array(N);
  for (let j = 0; j < N; ) {
    const b = xof();
    if (b.length % 3)
      throw new Error("SampleNTT: unaligned block");
    for (let i = 0; j < N && i + 3 <= b.length; i += 3) {
      const d1 = (b[i + 0] >> 0 | b[i + 1] << 8) & 4095;
      const d2 = (b[i + 1] >> 4 | b[i + 2] << 4) & 4095;
      if (d1 < Q)
        r[j++] = d1;
      if (j < N && d2 < Q)
        r[j++] = d2;
    }
  }
  return r;
}
var sampleCBDBytes = (buf, eta) => {
  const r = new Uint16Array(N);
  const b32 = u322(buf);
  swap32IfBE2(b32);
  let len = 0;
  for (let i = 0, p = 0, bb = 0, t0 = 0; i < b32.length; i++) {
    let b = b32[i];
    for (let j = 0; j < 32; j++) {
      bb += b & 1;
      b >>= 1;
      len += 1;
      if (len === eta) {
        t0 = bb;
        bb = 0;
      } else if (len === 2 * eta) {
        r[p++] = crystals.mod(t0 - bb);
        bb = 0;
        len = 0;
      }
    }
  }
  swap32IfBE2(b32);
  if (len)
    throw new Error(`sampleCBD: leftover bits: ${len}`);
  return r;
};
function sampleCBD(PRF_, seed, nonce, eta) {
  const PRF = PRF_;
  return sampleCBDBytes(PRF(eta * N / 4, seed, nonce), eta);
}
var genKPKE = (opts_) => {
  const opts2 = opts_;
  const { K, PRF, XOF, HASH512, ETA1, ETA2, du, dv } = opts2;
  const poly1 = polyCoder(1);
  const polyV = polyCoder(dv);
  const polyU = polyCoder(du);
  const publicCoder = splitCoder("publicKey", vecCoder(polyCoder(12), K), 32);
  const secretCoder = vecCoder(polyCoder(12), K);
  const cipherCoder = splitCoder("ciphertext", vecCoder(polyU, K), polyV);
  const seedCoder = splitCoder("seed", 32, 32);
  const encryptCore = (tHat, getA, msg, seed) => {
    const rHat = [];
    for (let i = 0; i < K; i++)
      rHat.push(crystals.NTT.encode(sampleCBD(PRF, seed, i, ETA1)));
    const tmp2 = new Uint16Array(N);
    const u = [];
    for (let i = 0; i < K; i++) {
      const e1 = sampleCBD(PRF, seed, K + i, ETA2);
      const tmp = new Uint16Array(N);
      for (let j = 0; j < K; j++) {
        const aij = getA(i, j);
        polyAdd(tmp, MultiplyNTTs(aij, rHat[j]));
      }
      polyAdd(e1, crystals.NTT.decode(tmp));
      u.push(e1);
      polyAdd(tmp2, MultiplyNTTs(tHat[i], rHat[i]));
      cleanBytes(tmp);
    }
    const e2 = sampleCBD(PRF, seed, 2 * K, ETA2);
    polyAdd(e2, crystals.NTT.decode(tmp2));
    const v = poly1.decode(msg);
    polyAdd(v, e2);
    cleanBytes(tHat, rHat, tmp2, e2);
    return cipherCoder.encode([u, v]);
  };
  return {
    secretCoder,
    lengths: {
      secretKey: secretCoder.bytesLen,
      publicKey: publicCoder.bytesLen,
      cipherText: cipherCoder.bytesLen
    },
    keygen: (seed) => {
      abytesDoc(seed, 32, "seed");
      const seedDst = new Uint8Array(33);
      seedDst.set(seed);
      seedDst[32] = K;
      const seedHash = HASH512(seedDst);
      const [rho, sigma] = seedCoder.decode(seedHash);
      const sHat = [];
      const tHat = [];
      for (let i = 0; i < K; i++)
        sHat.push(crystals.NTT.encode(sampleCBD(PRF, sigma, i, ETA1)));
      const x = XOF(rho);
      for (let i = 0; i < K; i++) {
        const e = crystals.NTT.encode(sampleCBD(PRF, sigma, K + i, ETA1));
        for (let j = 0; j < K; j++) {
          const aji = SampleNTT(x.get(j, i));
          polyAdd(e, MultiplyNTTs(aji, sHat[j]));
        }
        tHat.push(e);
      }
      x.clean();
      const res = {
        publicKey: publicCoder.encode([tHat, rho]),
        secretKey: secretCoder.encode(sHat)
      };
      cleanBytes(rho, sigma, sHat, tHat, seedDst, seedHash);
      return res;
    },
    encrypt: (publicKey, msg, seed) => {
      const [tHat, rho] = publicCoder.decode(publicKey);
      const x = XOF(rho);
      const res = encryptCore(tHat, (i, j) => SampleNTT(x.get(i, j)), msg, seed);
      x.clean();
      return res;
    },
    // Expands the full Â matrix (public data derived from rho) once, so repeated encryptions
    // against the same ek skip the K² SampleNTT XOF expansions. Cached polys are copied per
    // call because encryptCore mutates its inputs in place.
    prepare: (publicKey) => {
      const [tHat, rho] = publicCoder.decode(publicKey);
      const x = XOF(rho);
      const A = [];
      for (let i = 0; i < K; i++)
        for (let j = 0; j < K; j++)
          A.push(SampleNTT(x.get(i, j)));
      x.clean();
      return {
        encrypt: (msg, seed) => encryptCore(tHat.map((p) => p.slice()), (i, j) => A[i * K + j].slice(), msg, seed),
        clean: () => cleanBytes(tHat, A)
      };
    },
    decrypt: (cipherText, privateKey) => {
      const [u, v] = cipherCoder.decode(cipherText);
      const sk = secretCoder.decode(privateKey);
      const tmp = new Uint16Array(N);
      for (let i = 0; i < K; i++)
        polyAdd(tmp, MultiplyNTTs(sk[i], crystals.NTT.encode(u[i])));
      polySub(v, crystals.NTT.decode(tmp));
      const res = poly1.encode(v);
      cleanBytes(tmp, sk, u, v);
      return res;
    }
  };
};
function createKyber(opts2) {
  const rawOpts = opts2;
  const KPKE = genKPKE(rawOpts);
  const { HASH256, HASH512, KDF } = rawOpts;
  const { secretCoder: KPKESecretCoder, lengths } = KPKE;
  const secretCoder = splitCoder("secretKey", lengths.secretKey, lengths.publicKey, 32, 32);
  const msgLen = 32;
  const seedLen = 64;
  const validateModulus = (publicKey, fn) => {
    const eke = publicKey.subarray(0, 384 * rawOpts.K);
    const ek = KPKESecretCoder.encode(KPKESecretCoder.decode(copyBytes3(eke)));
    const ok = equalBytes2(ek, eke);
    cleanBytes(ek);
    if (!ok)
      throw new Error(`ML-KEM.${fn}: wrong publicKey modulus`);
  };
  const kemLengths = Object.freeze({
    ...lengths,
    seed: 64,
    msg: msgLen,
    msgRand: msgLen,
    secretKey: secretCoder.bytesLen
  });
  return Object.freeze({
    info: Object.freeze({ type: "ml-kem" }),
    lengths: kemLengths,
    keygen: (seed) => {
      const ownSeed = seed === void 0;
      const s = ownSeed ? randomBytes4(seedLen) : seed;
      let sk;
      let publicKeyHash;
      try {
        abytesDoc(s, seedLen, "seed");
        const keys = KPKE.keygen(s.subarray(0, 32));
        const publicKey = keys.publicKey;
        sk = keys.secretKey;
        publicKeyHash = HASH256(publicKey);
        const secretKey = secretCoder.encode([sk, publicKey, publicKeyHash, s.subarray(32)]);
        return {
          publicKey,
          secretKey
        };
      } finally {
        if (sk !== void 0)
          cleanBytes(sk);
        if (publicKeyHash !== void 0)
          cleanBytes(publicKeyHash);
        if (ownSeed)
          cleanBytes(s);
      }
    },
    getPublicKey: (secretKey) => {
      const [_sk, publicKey, _publicKeyHash, _z] = secretCoder.decode(secretKey);
      return Uint8Array.from(publicKey);
    },
    encapsulate: (publicKey, msg) => {
      const ownMsg = msg === void 0;
      const m = ownMsg ? randomBytes4(msgLen) : msg;
      let kr;
      try {
        abytesDoc(publicKey, lengths.publicKey, "publicKey");
        abytesDoc(m, msgLen, "message");
        validateModulus(publicKey, "encapsulate");
        kr = HASH512.create().update(m).update(HASH256(publicKey)).digest();
        const cipherText = KPKE.encrypt(publicKey, m, kr.subarray(32, 64));
        return {
          cipherText,
          sharedSecret: kr.subarray(0, 32)
        };
      } finally {
        if (kr !== void 0)
          cleanBytes(kr.subarray(32));
        if (ownMsg)
          cleanBytes(m);
      }
    },
    decapsulate: (cipherText, secretKey) => {
      abytesDoc(secretKey, secretCoder.bytesLen, "secretKey");
      abytesDoc(cipherText, lengths.cipherText, "cipherText");
      const k768 = secretCoder.bytesLen - 96;
      const start = k768 + 32;
      const test = HASH256(secretKey.subarray(k768 / 2, start));
      if (!equalBytes2(test, secretKey.subarray(start, start + 32)))
        throw new Error("invalid secretKey: hash check failed");
      const [sk, publicKey, publicKeyHash, z] = secretCoder.decode(secretKey);
      const msg = KPKE.decrypt(cipherText, sk);
      const kr = HASH512.create().update(msg).update(publicKeyHash).digest();
      const Khat = kr.subarray(0, 32);
      const cipherText2 = KPKE.encrypt(publicKey, msg, kr.subarray(32, 64));
      const isValid = equalBytes2(cipherText, cipherText2);
      const Kbar = KDF.create({ dkLen: 32 }).update(z).update(cipherText).digest();
      cleanBytes(msg, cipherText2, kr.subarray(32), !isValid ? Khat : Kbar);
      return isValid ? Khat : Kbar;
    },
    /**
     * Experimental prototype: pre-expand a public key so repeated encapsulate/decapsulate
     * against the same key skip re-validation, H(ek), t̂ decoding and the K² SampleNTT
     * XOF expansions of Â. Only public data is cached; see {@link KEMPrepared}.
     */
    prepare: (publicKey) => {
      abytesDoc(publicKey, lengths.publicKey, "publicKey");
      validateModulus(publicKey, "prepare");
      const ek = copyBytes3(publicKey);
      const publicKeyHash = HASH256(ek);
      const cached = KPKE.prepare(ek);
      return Object.freeze({
        publicKey: ek,
        encapsulate: (msg) => {
          const ownMsg = msg === void 0;
          const m = ownMsg ? randomBytes4(msgLen) : msg;
          let kr;
          try {
            abytesDoc(m, msgLen, "message");
            kr = HASH512.create().update(m).update(publicKeyHash).digest();
            const cipherText = cached.encrypt(m, kr.subarray(32, 64));
            return {
              cipherText,
              sharedSecret: kr.subarray(0, 32)
            };
          } finally {
            if (kr !== void 0)
              cleanBytes(kr.subarray(32));
            if (ownMsg)
              cleanBytes(m);
          }
        },
        decapsulate: (cipherText, secretKey) => {
          abytesDoc(secretKey, secretCoder.bytesLen, "secretKey");
          abytesDoc(cipherText, lengths.cipherText, "cipherText");
          const [sk, ekEmbedded, storedHash, z] = secretCoder.decode(secretKey);
          if (!equalBytes2(ekEmbedded, ek) || !equalBytes2(storedHash, publicKeyHash))
            throw new Error("ML-KEM.decapsulate: secretKey does not match prepared publicKey");
          const msg = KPKE.decrypt(cipherText, sk);
          const kr = HASH512.create().update(msg).update(publicKeyHash).digest();
          const Khat = kr.subarray(0, 32);
          const cipherText2 = cached.encrypt(msg, kr.subarray(32, 64));
          const isValid = equalBytes2(cipherText, cipherText2);
          const Kbar = KDF.create({ dkLen: 32 }).update(z).update(cipherText).digest();
          cleanBytes(msg, cipherText2, kr.subarray(32), !isValid ? Khat : Kbar);
          return isValid ? Khat : Kbar;
        },
        clean: cached.clean
      });
    }
  });
}
function shakePRF(dkLen, key, nonce) {
  return shake256.create({ dkLen }).update(key).update(new Uint8Array([nonce])).digest();
}
var opts = /* @__PURE__ */ (() => ({
  HASH256: sha3_256,
  HASH512: sha3_512,
  KDF: shake256,
  XOF: XOF128,
  PRF: shakePRF
}))();
var mk = (params) => createKyber({
  ...opts,
  ...params
});
var ml_kem768 = /* @__PURE__ */ (() => mk(PARAMS[768]))();

// src/secure/kem.ts
var mlKem768 = {
  name: "MLKEM768",
  publicKeySize: 1184,
  ciphertextSize: 1088,
  generate: () => ml_kem768.keygen(),
  encapsulate: (pk) => ml_kem768.encapsulate(pk),
  decapsulate: (ct, sk) => ml_kem768.decapsulate(ct, sk)
};

// src/secure/noise/patterns.ts
var BASE = {
  N: ["", "s", "e, es"],
  K: ["s", "s", "e, es, ss"],
  X: ["", "s", "e, es, s, ss"],
  NN: ["", "", "e", "e, ee"],
  NK: ["", "s", "e, es", "e, ee"],
  NX: ["", "", "e", "e, ee, s, es"],
  XN: ["", "", "e", "e, ee", "s, se"],
  XK: ["", "s", "e, es", "e, ee", "s, se"],
  XX: ["", "", "e", "e, ee, s, es", "s, se"],
  KN: ["s", "", "e", "e, ee, se"],
  KK: ["s", "s", "e, es, ss", "e, ee, se"],
  KX: ["s", "", "e", "e, ee, se, s, es"],
  IN: ["", "", "e, s", "e, ee, se"],
  IK: ["", "s", "e, es, s, ss", "e, ee, se"],
  IX: ["", "", "e, s", "e, ee, se, s, es"]
};
var tokens = (s) => s ? s.split(",").map((t) => t.trim()) : [];
function parsePattern(name) {
  const m = /^([A-Z]{1,2})(hfs)?((?:psk\d)(?:\+psk\d)*)?$/.exec(name);
  const base = m ? BASE[m[1]] : void 0;
  if (!m || !base) throw new Error(`noise: unknown handshake pattern ${name}`);
  const [ipre, rpre, ...msgs] = base;
  const messages = msgs.map(tokens);
  const hfs = m[2] === "hfs";
  if (hfs) {
    const [first, second] = messages;
    if (!first?.includes("e") || !second?.includes("ee")) throw new Error(`noise: ${name}: hfs needs e in message 1 and ee in message 2`);
    first.splice(first.indexOf("e") + 1, 0, "e1");
    second.splice(second.indexOf("ee") + 1, 0, "ekem1");
  }
  const mods = m[3] ? m[3].split("+").map((p) => Number(p.slice(3))) : [];
  for (const n of mods) {
    if (n === 0) messages[0]?.unshift("psk");
    else if (n <= messages.length) messages[n - 1]?.push("psk");
    else throw new Error(`noise: ${name}: psk${n} is past the last message`);
  }
  return { name, initiatorPre: tokens(ipre), responderPre: tokens(rpre), messages, oneWay: messages.length === 1, psk: mods.length > 0, hfs };
}

// src/secure/noise/cipher-state.ts
var EMPTY2 = new Uint8Array(0);
var ZEROS323 = new Uint8Array(32);
var MAX_NONCE = Number.MAX_SAFE_INTEGER;
var CipherState = class {
  constructor(crypto, cipher, key) {
    this.crypto = crypto;
    this.cipher = cipher;
    if (key) this.initializeKey(key);
  }
  crypto;
  cipher;
  aead;
  key;
  /** Next nonce. */
  n = 0;
  nonce = new Uint8Array(12);
  view = new DataView(this.nonce.buffer);
  /** Sets a new key (copied) and resets the nonce to 0. */
  initializeKey(key) {
    this.erase();
    this.key = key.slice(0, 32);
    this.aead = this.crypto.aead(this.cipher, this.key);
    this.n = 0;
  }
  /** Whether a key is set. */
  hasKey() {
    return this.aead !== void 0;
  }
  /** Sets the next nonce explicitly (used by datagram transports that carry the counter). */
  setNonce(n) {
    this.n = n;
  }
  nonceBytes(n) {
    const hi = Math.floor(n / 4294967296);
    const lo = n >>> 0;
    if (this.cipher === "ChaChaPoly") {
      this.view.setUint32(4, lo, true);
      this.view.setUint32(8, hi, true);
    } else {
      this.view.setUint32(4, hi, false);
      this.view.setUint32(8, lo, false);
    }
    return this.nonce;
  }
  /** Encrypts with associated data `ad`; plaintext passes through when no key is set. */
  encryptWithAd(ad, plaintext) {
    if (!this.aead) return plaintext;
    if (this.n >= MAX_NONCE) throw new Error("noise: nonce space exhausted; rekey or reconnect");
    const out = this.aead.seal(this.nonceBytes(this.n), ad, plaintext);
    this.n++;
    return out;
  }
  /** Decrypts; returns null on authentication failure (nonce not advanced). */
  decryptWithAd(ad, ciphertext) {
    if (!this.aead) return ciphertext;
    if (this.n >= MAX_NONCE) throw new Error("noise: nonce space exhausted; rekey or reconnect");
    const out = this.aead.open(this.nonceBytes(this.n), ad, ciphertext);
    if (out !== null) this.n++;
    return out;
  }
  /** Noise Rekey(): k = ENCRYPT(k, 2^64-1, "", zeros)[0..32]; the old key is wiped. */
  rekey() {
    if (!this.aead) throw new Error("noise: rekey without a key");
    this.nonce.fill(255, 4);
    const next = this.aead.seal(this.nonce, EMPTY2, ZEROS323).subarray(0, 32);
    const n = this.n;
    this.initializeKey(next);
    next.fill(0);
    this.n = n;
  }
  /** Overwrites the raw key bytes this object holds. */
  erase() {
    this.key?.fill(0);
    this.key = void 0;
    this.aead = void 0;
  }
};

// src/secure/noise/symmetric-state.ts
var EMPTY3 = new Uint8Array(0);
var ONE = new Uint8Array([1]);
var SymmetricState = class {
  constructor(crypto, cipher, protocolName) {
    this.crypto = crypto;
    this.cipher = cipher;
    const name = new TextEncoder().encode(protocolName);
    this.h = name.length <= 32 ? new Uint8Array(32) : crypto.sha256(name);
    if (name.length <= 32) this.h.set(name);
    this.ck = this.h.slice();
    this.cs = new CipherState(crypto, cipher);
  }
  crypto;
  cipher;
  /** Chaining key. */
  ck;
  /** Handshake hash. */
  h;
  /** The handshake cipher. */
  cs;
  /** Noise HKDF: up to three 32-byte outputs from ck and ikm. */
  hkdf(ikm, outputs) {
    const c = this.crypto;
    const temp = c.hmacSha256(this.ck, ikm);
    const o1 = c.hmacSha256(temp, ONE);
    const o2 = c.hmacSha256(temp, o1, new Uint8Array([2]));
    const out = [o1, o2];
    if (outputs === 3) out.push(c.hmacSha256(temp, o2, new Uint8Array([3])));
    temp.fill(0);
    return out;
  }
  /** MixKey(ikm). */
  mixKey(ikm) {
    const [ck, k] = this.hkdf(ikm, 2);
    this.ck.fill(0);
    this.ck = ck;
    this.cs.initializeKey(k);
    k.fill(0);
  }
  /** MixHash(data). */
  mixHash(data) {
    this.h = this.crypto.sha256(this.h, data);
  }
  /** MixKeyAndHash(ikm), used for pre-shared keys. */
  mixKeyAndHash(ikm) {
    const [ck, th, k] = this.hkdf(ikm, 3);
    this.ck.fill(0);
    this.ck = ck;
    this.mixHash(th);
    this.cs.initializeKey(k);
    k.fill(0);
  }
  /** EncryptAndHash(plaintext). */
  encryptAndHash(plaintext) {
    const ct = this.cs.encryptWithAd(this.h, plaintext);
    this.mixHash(ct);
    return ct;
  }
  /** DecryptAndHash(ciphertext); null when authentication fails. */
  decryptAndHash(ciphertext) {
    const pt = this.cs.decryptWithAd(this.h, ciphertext);
    if (pt === null) return null;
    this.mixHash(ciphertext);
    return pt;
  }
  /**
   * A secret for keys outside the Noise transport (datagram keys), derived from the chaining key
   * with a label so it is independent of the transport keys. Call before split().
   */
  exportSecret(label) {
    const [out] = this.hkdf(new TextEncoder().encode(label), 2);
    return out;
  }
  /** Split(): the two transport CipherStates (initiator→responder, responder→initiator); wipes ck. */
  split() {
    const [k1, k2] = this.hkdf(EMPTY3, 2);
    const out = [new CipherState(this.crypto, this.cipher, k1), new CipherState(this.crypto, this.cipher, k2)];
    k1.fill(0);
    k2.fill(0);
    this.ck.fill(0);
    this.cs.erase();
    return out;
  }
};

// src/secure/noise/handshake-state.ts
var MAX_NOISE_MESSAGE = 65535;
var DHLEN = 32;
function fail(message) {
  throw new XtmpError(16 /* UNAUTHENTICATED */, `handshake failed: ${message}`);
}
var HandshakeState = class {
  /** The parsed pattern. */
  pattern;
  /** Whether we are the initiator. */
  initiator;
  /** Symmetric state (exposed for hybrid extensions that mix extra secrets into ck). */
  ss;
  crypto;
  s;
  e;
  rs;
  re;
  psks;
  kem;
  e1;
  re1;
  index = 0;
  /** The handshake hash just before the last read message's payload was decrypted (what its sender could sign). */
  lastPayloadHash = new Uint8Array(0);
  constructor(opts2) {
    this.pattern = parsePattern(opts2.pattern);
    this.initiator = opts2.initiator;
    this.crypto = opts2.crypto;
    this.s = opts2.s;
    this.e = opts2.e;
    this.rs = opts2.rs;
    this.psks = [...opts2.psks ?? []];
    this.kem = opts2.kem;
    if (this.pattern.hfs && !this.kem) throw new Error(`noise: ${opts2.pattern} needs a KEM`);
    const dh = this.pattern.hfs ? `25519+${this.kem?.name}` : "25519";
    this.ss = new SymmetricState(opts2.crypto, opts2.cipher, `Noise_${opts2.pattern}_${dh}_${opts2.cipher}_SHA256`);
    this.ss.mixHash(opts2.prologue ?? new Uint8Array(0));
    for (const [tokens2, ours] of [
      [this.pattern.initiatorPre, this.initiator],
      [this.pattern.responderPre, !this.initiator]
    ]) {
      for (const t of tokens2) {
        const key = t === "s" ? ours ? this.s?.publicKey : this.rs : ours ? this.e?.publicKey : this.re;
        if (!key) throw new Error(`noise: ${this.pattern.name} needs the ${ours ? "local" : "remote"} ${t} key before the handshake`);
        this.ss.mixHash(key);
      }
    }
  }
  /** True once every handshake message was written or read. */
  get complete() {
    return this.index >= this.pattern.messages.length;
  }
  /** Whether the next message is ours to write. */
  get myTurn() {
    return this.index % 2 === 0 === this.initiator;
  }
  /** The handshake hash: a channel binding value once complete. */
  get handshakeHash() {
    return this.ss.h;
  }
  /** The peer's static public key once received (or given). */
  get remoteStatic() {
    return this.rs;
  }
  /** Our ephemeral public key, once generated. */
  get localEphemeral() {
    return this.e?.publicKey;
  }
  dh(token) {
    const [mine, theirs] = (() => {
      switch (token) {
        case "ee":
          return [this.e, this.re];
        case "ss":
          return [this.s, this.rs];
        case "es":
          return this.initiator ? [this.e, this.rs] : [this.s, this.re];
        default:
          return this.initiator ? [this.s, this.re] : [this.e, this.rs];
      }
    })();
    if (!mine || !theirs) throw new Error(`noise: missing key for ${token}`);
    try {
      return this.crypto.x25519(mine.privateKey, theirs);
    } catch {
      return fail("peer sent a low-order public key");
    }
  }
  nextPsk() {
    const psk = this.psks.shift();
    if (!psk || psk.length !== 32) throw new Error("noise: pattern needs a 32-byte pre-shared key");
    return psk;
  }
  /**
   * Writes the next handshake message carrying `payload`. A function payload is called with the
   * handshake hash at the point the payload is encrypted, so it can sign the transcript so far.
   */
  writeMessage(payload = new Uint8Array(0)) {
    if (this.complete || !this.myTurn) throw new Error("noise: writeMessage out of turn");
    const parts = [];
    for (const t of this.pattern.messages[this.index]) {
      if (t === "e") {
        this.e ??= this.crypto.x25519Generate();
        parts.push(this.e.publicKey);
        this.ss.mixHash(this.e.publicKey);
        if (this.pattern.psk) this.ss.mixKey(this.e.publicKey);
      } else if (t === "s") {
        if (!this.s) throw new Error("noise: pattern needs a local static key");
        parts.push(this.ss.encryptAndHash(this.s.publicKey));
      } else if (t === "psk") {
        this.ss.mixKeyAndHash(this.nextPsk());
      } else if (t === "e1") {
        this.e1 = this.kem.generate();
        parts.push(this.ss.encryptAndHash(this.e1.publicKey));
      } else if (t === "ekem1") {
        const { cipherText, sharedSecret } = this.kem.encapsulate(this.re1);
        parts.push(this.ss.encryptAndHash(cipherText));
        this.ss.mixKey(sharedSecret);
        sharedSecret.fill(0);
      } else {
        this.ss.mixKey(this.dh(t));
      }
    }
    parts.push(this.ss.encryptAndHash(typeof payload === "function" ? payload(this.ss.h) : payload));
    this.index++;
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total > MAX_NOISE_MESSAGE) throw new Error(`noise: message of ${total} bytes exceeds ${MAX_NOISE_MESSAGE}`);
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
  /** Reads the peer's next handshake message and returns its payload; throws UNAUTHENTICATED on any failure. */
  readMessage(message) {
    if (this.complete || this.myTurn) fail("unexpected handshake message");
    if (message.length > MAX_NOISE_MESSAGE) fail("message too large");
    let off = 0;
    const take = (n) => {
      if (off + n > message.length) fail("message truncated");
      const out = message.subarray(off, off + n);
      off += n;
      return out;
    };
    for (const t of this.pattern.messages[this.index]) {
      if (t === "e") {
        this.re = take(DHLEN).slice();
        this.ss.mixHash(this.re);
        if (this.pattern.psk) this.ss.mixKey(this.re);
      } else if (t === "s") {
        const ct = take(this.ss.cs.hasKey() ? DHLEN + 16 : DHLEN);
        const rs = this.ss.decryptAndHash(ct);
        if (!rs) fail("could not decrypt the peer's static key");
        this.rs = rs.slice();
      } else if (t === "psk") {
        this.ss.mixKeyAndHash(this.nextPsk());
      } else if (t === "e1") {
        const kem = this.kem;
        const pk = this.ss.decryptAndHash(take(kem.publicKeySize + (this.ss.cs.hasKey() ? 16 : 0)));
        if (!pk) fail("could not decrypt the peer's KEM key");
        this.re1 = pk.slice();
      } else if (t === "ekem1") {
        const kem = this.kem;
        const ct = this.ss.decryptAndHash(take(kem.ciphertextSize + (this.ss.cs.hasKey() ? 16 : 0)));
        if (!ct || !this.e1) fail("could not decrypt the KEM ciphertext");
        const shared = kem.decapsulate(ct, this.e1.secretKey);
        this.ss.mixKey(shared);
        shared.fill(0);
      } else {
        this.ss.mixKey(this.dh(t));
      }
    }
    this.lastPayloadHash = this.ss.h;
    const payload = this.ss.decryptAndHash(message.subarray(off));
    if (!payload) fail("could not decrypt the handshake payload");
    this.index++;
    return payload;
  }
  /** After completion: [send, receive] transport cipher states for this side. Ephemeral keys are wiped. */
  split() {
    if (!this.complete) throw new Error("noise: split before the handshake completed");
    const exporter = this.ss.exportSecret("XTMP-v1 exporter");
    const [c1, c2] = this.ss.split();
    this.e?.privateKey.fill(0);
    this.e1?.secretKey.fill(0);
    return this.initiator ? { send: c1, recv: c2, exporter } : { send: c2, recv: c1, exporter };
  }
};

// src/wire/tlv.ts
function encodeTlv(entries) {
  const out = new Uint8Array(entries.reduce((n, [, v]) => n + 1 + varintSize(v.length) + v.length, 0));
  let off = 0;
  for (const [tag, v] of entries) {
    out[off++] = tag;
    off = writeVarint(out, off, v.length);
    out.set(v, off);
    off += v.length;
  }
  return out;
}
function parseTlv(buf) {
  const out = /* @__PURE__ */ new Map();
  let off = 0;
  while (off < buf.length) {
    const tag = buf[off];
    const len = readVarint(buf, off + 1) ?? protocolError("truncated TLV");
    const end = len[1] + len[0];
    if (end > buf.length) protocolError("TLV value runs past the end");
    if (out.has(tag)) protocolError(`duplicate TLV tag ${tag}`);
    out.set(tag, buf.subarray(len[1], end));
    off = end;
  }
  return out;
}

// src/secure/certificate.ts
var LABEL = new TextEncoder().encode("XTMP-v1 certificate\0");
function bad2(message) {
  throw new XtmpError(16 /* UNAUTHENTICATED */, `certificate rejected: ${message}`);
}
function parseCertificate(bytes) {
  let tlv;
  try {
    tlv = parseTlv(bytes);
  } catch {
    return bad2("malformed");
  }
  const get = (t, len) => {
    const v = tlv.get(t);
    if (!v || len !== void 0 && v.length !== len) bad2("malformed");
    return v;
  };
  if (get(1 /* VERSION */, 1)[0] !== 1) bad2("unsupported version");
  const time = (v) => Number(new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0));
  const signature = get(7 /* SIGNATURE */, 64);
  return {
    subject: get(2 /* SUBJECT */, 32),
    name: new TextDecoder().decode(get(3 /* NAME */)),
    notBefore: time(get(4 /* NOT_BEFORE */, 8)),
    notAfter: time(get(5 /* NOT_AFTER */, 8)),
    issuer: get(6 /* ISSUER */, 32),
    signature,
    signedBytes: bytes.subarray(0, bytes.length - 2 - signature.length)
  };
}
function verifyCertificate(crypto, cert, nowSeconds) {
  if (!crypto.ed25519Verify(cert.issuer, new Uint8Array([...LABEL, ...cert.signedBytes]), cert.signature)) bad2("bad signature");
  if (nowSeconds < cert.notBefore) bad2(`not valid before ${new Date(cert.notBefore * 1e3).toISOString()}`);
  if (nowSeconds > cert.notAfter) bad2(`expired at ${new Date(cert.notAfter * 1e3).toISOString()}`);
}

// src/secure/trust.ts
function reject(message) {
  throw new XtmpError(16 /* UNAUTHENTICATED */, `peer not trusted: ${message}`);
}
var hex = (b) => Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, "0")).join("");
function checkTrust(policy, crypto, peerKey, certificate, nowMs = Date.now()) {
  switch (policy.kind) {
    case "any":
      return;
    case "pinned":
      if (!policy.keys.some((k) => bytesEqual(k, peerKey))) reject(`identity ${hex(peerKey)}\u2026 is not pinned`);
      return;
    case "roots": {
      if (!certificate) reject("no certificate presented");
      const cert = parseCertificate(certificate);
      if (!bytesEqual(cert.subject, peerKey)) reject("certificate is for another key");
      if (!policy.roots.some((r) => bytesEqual(r, cert.issuer))) reject("certificate issuer is not a trusted root");
      verifyCertificate(crypto, cert, Math.floor(nowMs / 1e3));
      if (policy.names && !policy.names.includes(cert.name)) reject(`name ${JSON.stringify(cert.name)} is not allowed`);
    }
  }
}

// src/secure/payload.ts
function varint(n) {
  const out = new Uint8Array(varintSize(n));
  writeVarint(out, 0, n);
  return out;
}
function buildPayload(crypto, identity, role, noiseStatic, maxRecord, features, h) {
  const sig = crypto.ed25519Sign(identity.seed, bindingMessage(role, noiseStatic, h));
  const entries = [
    [1 /* IDENTITY */, identity.publicKey],
    [2 /* SIGNATURE */, sig]
  ];
  if (identity.certificate) entries.push([3 /* CERTIFICATE */, identity.certificate]);
  entries.push([4 /* MAX_RECORD */, varint(maxRecord)], [5 /* FEATURES */, varint(features)]);
  return encodeTlv(entries);
}
function reject2(message) {
  throw new XtmpError(16 /* UNAUTHENTICATED */, `handshake failed: ${message}`);
}
function verifyPayload(crypto, payload, peerRole, peerStatic, h, trust) {
  let tlv;
  try {
    tlv = parseTlv(payload);
  } catch {
    return reject2("malformed handshake payload");
  }
  const identity = tlv.get(1 /* IDENTITY */);
  const sig = tlv.get(2 /* SIGNATURE */);
  if (!identity || identity.length !== 32 || !sig || sig.length !== 64 || !peerStatic) reject2("peer sent no identity");
  let derived;
  try {
    derived = x25519FromEd25519Public(identity);
  } catch {
    return reject2("peer identity key is invalid");
  }
  if (!bytesEqual(derived, peerStatic)) reject2("peer identity does not match its Noise static key");
  if (!crypto.ed25519Verify(identity, bindingMessage(peerRole, peerStatic, h), sig)) reject2("identity signature is invalid");
  const num = (tag, dflt) => {
    const v = tlv.get(tag);
    if (!v) return dflt;
    const r = (() => {
      try {
        return readVarint(v, 0);
      } catch {
        return void 0;
      }
    })();
    if (!r || r[1] !== v.length) reject2("malformed handshake payload");
    return r[0];
  };
  const maxRecord = num(4 /* MAX_RECORD */, MIN_PLAINTEXT_LIMIT);
  if (maxRecord < MIN_PLAINTEXT_LIMIT || maxRecord > MAX_PLAINTEXT_LIMIT) reject2(`peer record limit ${maxRecord} out of range`);
  const certificate = tlv.get(3 /* CERTIFICATE */)?.slice();
  checkTrust(trust, crypto, identity, certificate);
  return { identity: identity.slice(), certificate, maxRecord, features: num(5 /* FEATURES */, 0) };
}

// src/wire/crc32c.ts
var TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 2197175160 ^ c >>> 1 : c >>> 1;
  TABLE[i] = c >>> 0;
}
function crc32c(data) {
  let c = 4294967295;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 255] ^ c >>> 8;
  return (c ^ 4294967295) >>> 0;
}

// src/secure/protector.ts
var EMPTY4 = new Uint8Array(0);
var AeadProtector = class {
  constructor(send, recv) {
    this.send = send;
    this.recv = recv;
  }
  send;
  recv;
  overhead = TAG_SIZE;
  secure = true;
  seal(plaintext) {
    return this.send.encryptWithAd(EMPTY4, plaintext);
  }
  open(body) {
    return this.recv.decryptWithAd(EMPTY4, body);
  }
  rekeySend() {
    this.send.rekey();
  }
  rekeyRecv() {
    this.recv.rekey();
  }
  erase() {
    this.send.erase();
    this.recv.erase();
  }
};
var Crc32cProtector = class {
  overhead = CRC_SIZE;
  secure = false;
  seal(plaintext) {
    const out = new Uint8Array(plaintext.length + CRC_SIZE);
    out.set(plaintext);
    new DataView(out.buffer).setUint32(plaintext.length, crc32c(plaintext));
    return out;
  }
  open(body) {
    if (body.length < CRC_SIZE) return null;
    const pt = body.subarray(0, body.length - CRC_SIZE);
    const want = new DataView(body.buffer, body.byteOffset + pt.length, CRC_SIZE).getUint32(0);
    return crc32c(pt) === want ? pt : null;
  }
  rekeySend() {
  }
  rekeyRecv() {
  }
  erase() {
  }
};

// src/wire/frame.ts
var MAX_STREAM_ID = 2147483647;
function frameHeaderSize(streamId, length) {
  return 2 + varintSize(streamId) + varintSize(length);
}
function writeFrame(buf, off, f) {
  if (f.type < 0 || f.type > 255 || f.flags < 0 || f.flags > 255) throw new RangeError("frame type and flags are bytes");
  if (f.streamId < 0 || f.streamId > MAX_STREAM_ID) throw new RangeError(`stream id out of range: ${f.streamId}`);
  buf[off++] = f.type;
  buf[off++] = f.flags;
  off = writeVarint(buf, off, f.streamId);
  off = writeVarint(buf, off, f.payload.length);
  buf.set(f.payload, off);
  return off + f.payload.length;
}
function parseFrame(buf, off, maxPayload) {
  if (off >= buf.length || buf[off] === 0 /* PADDING */) return void 0;
  if (off + 2 > buf.length) protocolError("truncated frame header");
  const type = buf[off];
  const flags = buf[off + 1];
  const sid = readVarint(buf, off + 2) ?? protocolError("truncated frame header");
  if (sid[0] > MAX_STREAM_ID) protocolError("stream id exceeds 31 bits");
  const len = readVarint(buf, sid[1]) ?? protocolError("truncated frame header");
  if (len[0] > maxPayload) protocolError(`frame payload of ${len[0]} bytes exceeds ${maxPayload}`);
  const end = len[1] + len[0];
  if (end > buf.length) protocolError("frame runs past the end of its record");
  if (classifyFrameType(type) === "fatal") protocolError(`unknown frame type 0x${type.toString(16)}`);
  return [{ type, flags, streamId: sid[0], payload: buf.subarray(len[1], end) }, end];
}

// src/secure/record-session.ts
var KEY_UPDATE_SIZE = 4;
var MAX_FRAME_HEADER = 12;
var MAX_CLOSE_REASON = 256;
var CLOSE_TO_CODE = {
  [1 /* PROTOCOL_ERROR */]: 13 /* INTERNAL */,
  [2 /* INTERNAL_ERROR */]: 13 /* INTERNAL */,
  [3 /* FLOW_CONTROL_ERROR */]: 13 /* INTERNAL */,
  [4 /* SIZE_ERROR */]: 8 /* RESOURCE_EXHAUSTED */,
  [5 /* TIMEOUT */]: 14 /* UNAVAILABLE */,
  [6 /* GOING_AWAY */]: 14 /* UNAVAILABLE */,
  [7 /* AUTH_FAILED */]: 16 /* UNAUTHENTICATED */
};
function closeCodeOf(err) {
  if (!err) return 0 /* NO_ERROR */;
  switch (err.code) {
    case 16 /* UNAUTHENTICATED */:
      return 7 /* AUTH_FAILED */;
    case 8 /* RESOURCE_EXHAUSTED */:
      return 4 /* SIZE_ERROR */;
    case 14 /* UNAVAILABLE */:
      return 6 /* GOING_AWAY */;
    case 4 /* DEADLINE_EXCEEDED */:
      return 5 /* TIMEOUT */;
    case 13 /* INTERNAL */:
    case 15 /* DATA_LOSS */:
      return 1 /* PROTOCOL_ERROR */;
    default:
      return 2 /* INTERNAL_ERROR */;
  }
}
var RecordSession = class {
  constructor(duplex, protector, options, leftover) {
    this.duplex = duplex;
    this.protector = protector;
    this.options = options;
    this.maxFramePayload = options.maxSendPlaintext - KEY_UPDATE_SIZE - MAX_FRAME_HEADER;
    this.maxRecvBody = options.maxRecvPlaintext + protector.overhead;
    this.now = options.now ?? Date.now;
    this.rekeyRecords = options.rekey?.records ?? 2 ** 20;
    this.rekeyBytes = options.rekey?.bytes ?? 2 ** 30;
    this.rekeyInterval = options.rekey?.intervalMs ?? 36e5;
    this.keySince = this.now();
    if (leftover && leftover.length > 0) this.queue.push(leftover);
    duplex.setReceiver(this);
  }
  duplex;
  protector;
  options;
  /** Largest frame payload the peer accepts. */
  maxFramePayload;
  /** Counters. */
  stats = { recordsSent: 0, recordsReceived: 0, bytesSent: 0, bytesReceived: 0, rekeysSent: 0, rekeysReceived: 0 };
  receiver;
  queue = new ByteQueue();
  // plaintext of the record being filled; taken from a shared pool only while frames are pending,
  // so an idle session holds no record buffer
  scratch;
  used = 0;
  out = [];
  outBytes = 0;
  flushScheduled = false;
  closed = false;
  closeError;
  pendingEnd;
  now;
  rekeyRecords;
  rekeyBytes;
  rekeyInterval;
  keyRecords = 0;
  keyBytes = 0;
  keySince;
  maxRecvBody;
  flushNow = () => {
    this.flushScheduled = false;
    this.flush();
  };
  /** Whether the session has closed. */
  get isClosed() {
    return this.closed;
  }
  setReceiver(receiver) {
    this.receiver = receiver;
    if (this.closed) {
      receiver.onClose(this.closeError);
      return;
    }
    this.drain();
    if (this.pendingEnd) this.shutdown(this.pendingEnd, false);
  }
  send(frame) {
    if (this.closed) throw new XtmpError(14 /* UNAVAILABLE */, "session is closed");
    if (frame.payload.length > this.maxFramePayload) {
      throw new RangeError(`frame payload of ${frame.payload.length} bytes exceeds ${this.maxFramePayload}`);
    }
    const size = frameHeaderSize(frame.streamId, frame.payload.length) + frame.payload.length;
    this.scratch ??= takeBuffer(this.options.maxSendPlaintext);
    if (this.used + size > this.scratch.length - KEY_UPDATE_SIZE) this.sealRecord();
    this.used = writeFrame(this.scratch, this.used, frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(this.flushNow);
    }
  }
  /** Seals the pending record and writes every sealed record with one duplex write. */
  flush() {
    if (this.used > 0) this.sealRecord();
    if (this.scratch) {
      giveBuffer(this.scratch);
      this.scratch = void 0;
    }
    if (this.out.length === 0 || this.closed) return;
    const parts = this.out;
    this.stats.bytesSent += this.outBytes;
    this.out = [];
    if (this.duplex.writev && this.outBytes > 4096) this.duplex.writev(parts);
    else this.duplex.write(concatBytes(parts, this.outBytes));
    this.outBytes = 0;
  }
  sealRecord() {
    const scratch = this.scratch;
    const rekey = this.protector.secure && (this.keyRecords + 1 >= this.rekeyRecords || this.keyBytes + this.used >= this.rekeyBytes || this.now() - this.keySince >= this.rekeyInterval);
    if (rekey) this.used = writeFrame(scratch, this.used, { type: 1 /* KEY_UPDATE */, flags: 0, streamId: 0, payload: EMPTY5 });
    const pad = this.options.padding ?? 0;
    let len = this.used;
    if (pad > 0 && len % pad !== 0) {
      const target = Math.min(Math.ceil(len / pad) * pad, scratch.length);
      scratch.fill(0, len, target);
      len = target;
    }
    const body = this.protector.seal(scratch.subarray(0, len));
    const prefix = new Uint8Array(LENGTH_PREFIX);
    writeLength(prefix, 0, body.length);
    this.out.push(prefix, body);
    this.outBytes += LENGTH_PREFIX + body.length;
    this.stats.recordsSent++;
    this.keyRecords++;
    this.keyBytes += len;
    this.used = 0;
    if (rekey) {
      this.protector.rekeySend();
      this.stats.rekeysSent++;
      this.keyRecords = 0;
      this.keyBytes = 0;
      this.keySince = this.now();
    }
  }
  onData(chunk) {
    if (this.closed) return;
    this.stats.bytesReceived += chunk.length;
    this.queue.push(chunk);
    this.drain();
  }
  onEnd(error) {
    const err = new XtmpError(14 /* UNAVAILABLE */, "connection closed by peer", error ? { cause: error } : {});
    if (this.receiver) this.shutdown(err, false);
    else this.pendingEnd = err;
  }
  drain() {
    try {
      while (this.receiver && !this.closed && this.queue.length >= LENGTH_PREFIX) {
        const len = readLength(this.queue.peek(LENGTH_PREFIX), this.maxRecvBody);
        if (this.queue.length < LENGTH_PREFIX + len) return;
        this.queue.skip(LENGTH_PREFIX);
        if (len === 0) throw new XtmpError(16 /* UNAUTHENTICATED */, "the peer aborted the handshake");
        const pt = this.protector.open(this.queue.take(len));
        if (pt === null) {
          throw new XtmpError(15 /* DATA_LOSS */, this.protector.secure ? "record authentication failed" : "record checksum mismatch");
        }
        this.stats.recordsReceived++;
        this.processRecord(pt);
      }
    } catch (err) {
      this.close(XtmpError.from(err, 13 /* INTERNAL */));
    }
  }
  processRecord(pt) {
    const max = this.options.maxRecvPlaintext;
    let keyUpdate = false;
    let off = 0;
    for (let r = parseFrame(pt, off, max); r; r = parseFrame(pt, off, max)) {
      const [f, next] = r;
      off = next;
      if (keyUpdate) throw new XtmpError(13 /* INTERNAL */, "protocol error: frame after KEY_UPDATE");
      if (f.type === 1 /* KEY_UPDATE */) {
        if (!this.protector.secure || f.streamId !== 0 || f.payload.length !== 0) throw new XtmpError(13 /* INTERNAL */, "protocol error: bad KEY_UPDATE");
        keyUpdate = true;
      } else if (f.type === 2 /* CLOSE */) {
        this.onPeerClose(f.payload);
        return;
      } else if (f.type < 128) {
        this.receiver?.onFrame(f);
        if (this.closed) return;
      }
    }
    if (keyUpdate) {
      this.protector.rekeyRecv();
      this.stats.rekeysReceived++;
    }
  }
  onPeerClose(payload) {
    const [code, off] = readVarint(payload, 0) ?? [1 /* PROTOCOL_ERROR */, payload.length];
    const reason = new TextDecoder().decode(payload.subarray(off, off + MAX_CLOSE_REASON));
    const err = code === 0 /* NO_ERROR */ ? void 0 : new XtmpError(CLOSE_TO_CODE[code] ?? 13 /* INTERNAL */, `peer closed the session: ${reason || CloseCode[code] || `code ${code}`}`);
    this.shutdown(err, true);
  }
  /** Sends CLOSE (with `error`'s code and message, or NO_ERROR), flushes, and closes the duplex. */
  close(error) {
    if (this.closed) return;
    const reason = new TextEncoder().encode((error?.rawMessage ?? "").slice(0, MAX_CLOSE_REASON));
    const code = closeCodeOf(error);
    const payload = new Uint8Array(varintSize(code) + reason.length);
    payload.set(reason, writeVarint(payload, 0, code));
    try {
      this.send({ type: 2 /* CLOSE */, flags: 0, streamId: 0, payload });
      this.flush();
    } catch (sendErr) {
      error ??= XtmpError.from(sendErr, 13 /* INTERNAL */);
    }
    this.shutdown(error, true);
  }
  shutdown(error, closeDuplex) {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    this.protector.erase();
    if (closeDuplex) this.duplex.close();
    this.receiver?.onClose(error);
  }
};
var EMPTY5 = new Uint8Array(0);
var pool = /* @__PURE__ */ new Map();
function takeBuffer(size) {
  return pool.get(size)?.pop() ?? new Uint8Array(size);
}
function giveBuffer(b) {
  const list = pool.get(b.length) ?? [];
  if (list.length < 32) list.push(b);
  pool.set(b.length, list);
}
var scheduleFlush = typeof setImmediate === "function" ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);

// src/secure/replay-window.ts
var WORD_BITS = 32;
var WORDS = 64 + 1;
var REPLAY_WINDOW = (WORDS - 1) * WORD_BITS;
var ReplayWindow = class {
  bits = new Uint32Array(WORDS);
  highest = -1;
  /**
   * Accepts `counter` if it is new and not older than the window; marks it seen.
   * Returns false for a duplicate or a too-old counter (the caller drops the datagram).
   */
  check(counter) {
    if (!Number.isSafeInteger(counter) || counter < 0) return false;
    if (counter > this.highest) {
      const oldWord = Math.floor(this.highest / WORD_BITS);
      const newWord = Math.floor(counter / WORD_BITS);
      const steps = Math.min(newWord - oldWord, WORDS);
      for (let i = 1; i <= steps; i++) this.bits[(oldWord + i) % WORDS] = 0;
      this.highest = counter;
    } else if (this.highest - counter >= REPLAY_WINDOW) {
      return false;
    }
    const word = Math.floor(counter / WORD_BITS) % WORDS;
    const bit = 1 << counter % WORD_BITS;
    if (this.bits[word] & bit) return false;
    this.bits[word] = this.bits[word] | bit;
    return true;
  }
  /** The highest counter accepted so far (-1 before the first). */
  get top() {
    return this.highest;
  }
};

// src/secure/datagram.ts
var CONN_ID_SIZE = 8;
var DATAGRAM_HEADER = CONN_ID_SIZE + 8;
var DatagramKeys = class {
  constructor(crypto, cipher, connId, sendKey, recvKey) {
    this.connId = connId;
    this.send = new CipherState(crypto, cipher, sendKey);
    this.recv = new CipherState(crypto, cipher, recvKey);
  }
  connId;
  send;
  recv;
  window = new ReplayWindow();
  counter = 0;
  /** Replays and too-old datagrams dropped so far. */
  replaysDropped = 0;
  /** Protects a plaintext as one datagram: conn id ‖ counter ‖ AEAD(ad = header). */
  seal(plaintext) {
    const n = this.counter++;
    const header = new Uint8Array(DATAGRAM_HEADER);
    header.set(this.connId);
    new DataView(header.buffer).setBigUint64(CONN_ID_SIZE, BigInt(n));
    this.send.setNonce(n);
    const ct = this.send.encryptWithAd(header, plaintext);
    const out = new Uint8Array(DATAGRAM_HEADER + ct.length);
    out.set(header);
    out.set(ct, DATAGRAM_HEADER);
    return out;
  }
  /**
   * Opens a datagram: authenticates first, then checks the replay window (so forged counters cannot
   * move it). Returns null for a forgery, a replay or a too-old datagram.
   */
  open(datagram) {
    if (datagram.length < DATAGRAM_HEADER + 16) return null;
    const header = datagram.subarray(0, DATAGRAM_HEADER);
    const n = Number(new DataView(datagram.buffer, datagram.byteOffset + CONN_ID_SIZE, 8).getBigUint64(0));
    if (!Number.isSafeInteger(n)) return null;
    this.recv.setNonce(n);
    const pt = this.recv.decryptWithAd(header, datagram.subarray(DATAGRAM_HEADER));
    if (pt === null) return null;
    if (!this.window.check(n)) {
      this.replaysDropped++;
      return null;
    }
    return pt;
  }
};
var te2 = new TextEncoder();
function deriveDatagramKeys(crypto, exporter, handshakeHash, cipher, isClient) {
  const k = (label, n = 32) => crypto.hkdfSha256(exporter, handshakeHash, te2.encode(label), n);
  const c2s = k("XTMP-v1 datagram client->server");
  const s2c = k("XTMP-v1 datagram server->client");
  const connId = k("XTMP-v1 connection id", CONN_ID_SIZE);
  return isClient ? new DatagramKeys(crypto, cipher, connId, c2s, s2c) : new DatagramKeys(crypto, cipher, connId, s2c, c2s);
}

// src/secure/handshake.ts
var MAX_HANDSHAKE_MESSAGE = 8192;
var CIPHERS = { [1 /* CHACHAPOLY */]: "ChaChaPoly", [2 /* AESGCM */]: "AESGCM" };
var CIPHER_IDS = { ChaChaPoly: 1 /* CHACHAPOLY */, AESGCM: 2 /* AESGCM */ };
var ABORT = new Uint8Array(2);
function framed(...messages) {
  const out = new Uint8Array(messages.reduce((n, m) => n + LENGTH_PREFIX + m.length, 0));
  let off = 0;
  for (const m of messages) {
    writeLength(out, off, m.length);
    out.set(m, off + LENGTH_PREFIX);
    off += LENGTH_PREFIX + m.length;
  }
  return out;
}
function recordLimit(opts2) {
  const n = opts2.maxRecordPlaintext ?? DEFAULT_MAX_PLAINTEXT;
  if (!Number.isInteger(n) || n < MIN_PLAINTEXT_LIMIT || n > MAX_PLAINTEXT_LIMIT) {
    throw new RangeError(`maxRecordPlaintext must be ${MIN_PLAINTEXT_LIMIT}..${MAX_PLAINTEXT_LIMIT}`);
  }
  return n;
}
var Driver = class {
  constructor(duplex, opts2) {
    this.duplex = duplex;
    this.opts = opts2;
    this.crypto = opts2.crypto ?? nobleCrypto;
    const ms = opts2.handshakeTimeoutMs ?? 1e4;
    this.timer = setTimeout(() => this.fail(new XtmpError(4 /* DEADLINE_EXCEEDED */, `handshake timed out after ${ms} ms`)), ms);
  }
  duplex;
  opts;
  queue = new ByteQueue();
  crypto;
  started = Date.now();
  hs;
  exporter;
  settled = false;
  timer;
  resolve;
  reject;
  /** Settles when the session is established or the handshake failed. */
  promise = new Promise((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });
  onData(chunk) {
    if (this.settled) return;
    this.queue.push(chunk);
    this.guard(() => this.step());
  }
  onEnd(error) {
    this.fail(new XtmpError(14 /* UNAVAILABLE */, "connection closed during the handshake", error ? { cause: error } : {}), false);
  }
  guard(fn) {
    try {
      fn();
    } catch (err) {
      this.fail(XtmpError.from(err, 13 /* INTERNAL */));
    }
  }
  /** The next length-prefixed handshake message, or undefined while incomplete. */
  nextMessage() {
    if (this.queue.length < LENGTH_PREFIX) return void 0;
    const p = this.queue.peek(LENGTH_PREFIX);
    const len = p[0] << 8 | p[1];
    if (len === 0) throw new XtmpError(16 /* UNAUTHENTICATED */, "handshake failed: the peer aborted the handshake");
    if (len > MAX_HANDSHAKE_MESSAGE) throw new XtmpError(13 /* INTERNAL */, `protocol error: handshake message of ${len} bytes exceeds ${MAX_HANDSHAKE_MESSAGE}`);
    if (this.queue.length < LENGTH_PREFIX + len) return void 0;
    this.queue.skip(LENGTH_PREFIX);
    return this.queue.take(len).slice();
  }
  fail(err, notify = true) {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    if (notify) {
      try {
        this.notifyFailure(err);
      } catch {
      }
    }
    this.duplex.close();
    this.reject(err);
  }
  finish(protector, sendLimit, info) {
    this.settled = true;
    clearTimeout(this.timer);
    const leftover = this.queue.length > 0 ? this.queue.take(this.queue.length) : void 0;
    const fullInfo = { ...info, handshakeMs: Date.now() - this.started };
    const session = new RecordSession(
      this.duplex,
      protector,
      { maxRecvPlaintext: recordLimit(this.opts), maxSendPlaintext: sendLimit, rekey: this.opts.rekey, padding: this.opts.padding ?? 0 },
      leftover
    );
    Object.defineProperty(session, "info", { value: fullInfo, enumerable: true });
    if (this.exporter) {
      const keys = deriveDatagramKeys(this.crypto, this.exporter, fullInfo.handshakeHash, fullInfo.cipher ?? "AESGCM", this instanceof ClientDriver);
      this.exporter.fill(0);
      Object.defineProperty(session, "datagram", { value: keys });
    }
    this.resolve(session);
  }
  secureInfo(mode, cipher, pq, peer, features) {
    return {
      mode,
      cipher,
      postQuantum: pq,
      handshakeHash: this.hs.handshakeHash.slice(),
      peerIdentity: peer.identity,
      peerCertificate: peer.certificate,
      features
    };
  }
  aead() {
    const { send, recv, exporter } = this.hs.split();
    this.exporter = exporter;
    return new AeadProtector(send, recv);
  }
  identity() {
    if (!this.opts.identity) throw new Error("a secure session needs an identity (or insecure: true)");
    return this.opts.identity;
  }
};
var ClientDriver = class extends Driver {
  constructor(duplex, copts) {
    super(duplex, copts);
    this.copts = copts;
    this.cipher = copts.cipher ?? "AESGCM";
    const pq = copts.postQuantum === true;
    const mode = copts.insecure ? 0 /* INSECURE */ : copts.serverKey ? 2 /* IK */ : 1 /* XX */;
    this.mode = mode === 0 /* INSECURE */ ? "insecure" : `${HandshakeMode[mode]}${pq ? "hfs" : ""}`;
    this.hello = {
      version: PROTOCOL_VERSION,
      mode,
      cipher: copts.insecure ? 0 /* NONE */ : CIPHER_IDS[this.cipher],
      features: ((copts.features ?? 0) | (pq ? Feature.PQ_HYBRID : 0)) & 255
    };
    this.trust = copts.trust ?? (copts.serverKey ? { kind: "pinned", keys: [copts.serverKey] } : { kind: "any" });
    duplex.setReceiver(this);
    this.guard(() => this.start());
  }
  copts;
  hello;
  staticKey;
  serverFeatures;
  trust;
  cipher;
  mode;
  start() {
    const helloBytes = encodeClientHello(this.hello);
    if (this.hello.mode === 0 /* INSECURE */) {
      this.duplex.write(helloBytes);
      return;
    }
    const identity = this.identity();
    this.staticKey = noiseStaticKey(identity, this.crypto);
    this.hs = new HandshakeState({
      pattern: this.mode,
      initiator: true,
      cipher: this.cipher,
      crypto: this.crypto,
      prologue: helloBytes,
      s: this.staticKey,
      ...this.copts.serverKey ? { rs: x25519FromEd25519Public(this.copts.serverKey) } : {},
      kem: this.copts.kem ?? mlKem768
    });
    const key = this.staticKey.publicKey;
    const msg0 = this.hello.mode === 2 /* IK */ ? this.hs.writeMessage((h) => buildPayload(this.crypto, identity, "I", key, recordLimit(this.opts), this.hello.features, h)) : this.hs.writeMessage();
    const out = new Uint8Array(HELLO_SIZE + LENGTH_PREFIX + msg0.length);
    out.set(helloBytes);
    out.set(framed(msg0), HELLO_SIZE);
    this.duplex.write(out);
  }
  step() {
    if (this.serverFeatures === void 0) {
      const r = parseServerHello(this.queue.peek(this.queue.length));
      if (!r) return;
      const [sh, used] = r;
      this.queue.skip(used);
      if (sh.status !== 0 /* OK */) {
        const code = sh.status === 6 /* HANDSHAKE_FAILED */ || sh.status === 3 /* MODE_REFUSED */ ? 16 /* UNAUTHENTICATED */ : 9 /* FAILED_PRECONDITION */;
        this.fail(new XtmpError(code, `server refused the session (${HelloStatus[sh.status] ?? sh.status}): ${sh.reason ?? ""}`), false);
        return;
      }
      if (sh.version !== PROTOCOL_VERSION || (sh.features & ~this.hello.features) !== 0) {
        throw new XtmpError(13 /* INTERNAL */, "protocol error: ServerHello does not match the offer");
      }
      this.serverFeatures = sh.features;
      if (this.hello.mode === 0 /* INSECURE */) {
        this.finish(new Crc32cProtector(), DEFAULT_MAX_PLAINTEXT, {
          mode: "insecure",
          cipher: void 0,
          postQuantum: false,
          handshakeHash: new Uint8Array(0),
          peerIdentity: void 0,
          peerCertificate: void 0,
          features: sh.features
        });
        return;
      }
    }
    const msg1 = this.nextMessage();
    if (!msg1) return;
    const hs = this.hs;
    const payload = hs.readMessage(msg1);
    const peer = verifyPayload(this.crypto, payload, "R", hs.remoteStatic, hs.lastPayloadHash, this.trust);
    if (peer.features !== this.serverFeatures) throw new XtmpError(16 /* UNAUTHENTICATED */, "handshake failed: ServerHello was tampered with");
    if (this.hello.mode === 1 /* XX */) {
      const identity = this.identity();
      const key = this.staticKey.publicKey;
      const msg2 = hs.writeMessage((h) => buildPayload(this.crypto, identity, "I", key, recordLimit(this.opts), this.hello.features, h));
      this.duplex.write(framed(msg2));
    }
    const pq = (this.hello.features & Feature.PQ_HYBRID) !== 0;
    this.finish(this.aead(), peer.maxRecord, this.secureInfo(this.mode, this.cipher, pq, peer, peer.features));
  }
  notifyFailure() {
    if (this.hello.mode !== 0 /* INSECURE */) this.duplex.write(ABORT);
  }
};
function connectSession(duplex, opts2) {
  return new ClientDriver(duplex, opts2).promise;
}

// src/transport/address.ts
function parseAddress(address) {
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})(\/[^\s]*)?$/.exec(address.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new XtmpError(3 /* INVALID_ARGUMENT */, `invalid address ${JSON.stringify(address)}: expected xtmp://host:port`);
  const host = m[2].replace(/^\[(.*)\]$/, "$1");
  return { scheme: m[1] ?? "xtmp", host, port, path: m[4] ?? "/" };
}

// src/transport/tcp-browser.ts
function connectTcp(host, port) {
  return Promise.reject(new XtmpError(14 /* UNAVAILABLE */, `xtmp://${host}:${port}: browsers cannot open TCP connections; use a ws:// or wss:// URL`));
}

// src/transport/websocket-browser.ts
var WsDuplex = class {
  constructor(ws) {
    this.ws = ws;
    ws.binaryType = "arraybuffer";
    ws.onmessage = (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) return this.finish(new Error("text message on an XTMP WebSocket"));
      const chunk = new Uint8Array(ev.data);
      if (this.receiver) this.receiver.onData(chunk);
      else this.pending.push(chunk);
    };
    ws.onclose = () => this.finish();
    ws.onerror = () => this.finish(new Error("WebSocket error"));
  }
  ws;
  receiver;
  pending = [];
  ended = false;
  /** Sends bytes as one binary message. */
  write(chunk) {
    if (!this.ended && this.ws.readyState === WebSocket.OPEN) this.ws.send(chunk);
  }
  /** Closes the WebSocket. */
  close() {
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close(1e3);
  }
  /** Closes at once. */
  destroy() {
    this.close();
  }
  /** Installs the receiver (earlier messages are delivered first). */
  setReceiver(receiver) {
    this.receiver = receiver;
    const queued = this.pending;
    this.pending = [];
    for (const c of queued) receiver.onData(c);
    if (this.ended) receiver.onEnd();
  }
  finish(err) {
    if (this.ended) return;
    this.ended = true;
    this.receiver?.onEnd(err);
  }
};
function connectWebSocket(url, timeoutMs = 1e4) {
  return new Promise((resolve, reject3) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.close();
      reject3(new XtmpError(14 /* UNAVAILABLE */, `WebSocket to ${url} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve(new WsDuplex(ws));
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject3(new XtmpError(14 /* UNAVAILABLE */, `WebSocket to ${url} failed`));
    };
  });
}

// src/client/datagrams-browser.ts
var ClientDatagrams = class {
  /** Never ready. */
  ready = false;
  /** Nothing received. */
  received = 0;
  /** Nothing dropped. */
  dropped = 0;
  /** Always fails. */
  static open() {
    return Promise.reject(new XtmpError(14 /* UNAVAILABLE */, "browsers have no UDP"));
  }
  /** Nothing to probe. */
  probe() {
  }
  /** Nothing to close. */
  close() {
  }
};

// src/client/channel.ts
var Channel = class {
  /** Interceptors applied to every call. */
  interceptors;
  current;
  connecting;
  closed = false;
  address;
  opts;
  usedFallback = false;
  constructor(address, options = {}) {
    parseAddress(address);
    if (options.fallback) parseAddress(options.fallback);
    this.address = address;
    this.opts = {
      ...options,
      identity: options.identity ?? (options.insecure ? void 0 : generateIdentity(options.crypto)),
      features: (options.features ?? 0) | (options.compression === false ? 0 : Feature.ZSTD)
    };
    this.interceptors = options.interceptors ?? [];
  }
  /** Largest response message. */
  get maxRecvMessage() {
    return this.opts.maxRecvMessage ?? 4 << 20;
  }
  /** Whether requests may be compressed. */
  get compression() {
    return this.opts.compression !== false;
  }
  /** Current state. */
  get state() {
    if (this.closed) return "closed";
    if (this.current && this.current.mux.isAvailable) return "ready";
    return this.connecting ? "connecting" : "idle";
  }
  /** Where DATAGRAM methods travel now: `udp`, or `tcp` (no UDP path yet, blocked, or not offered). */
  get datagramPath() {
    return this.current?.udp?.ready ? "udp" : "tcp";
  }
  /** Datagrams received and dropped (forged, replayed, malformed) on the current UDP path. */
  get datagramCounters() {
    return { received: this.current?.udp?.received ?? 0, dropped: this.current?.udp?.dropped ?? 0 };
  }
  /** Sends a UDP probe now (normally done at connect and every 5 s). */
  probeDatagram() {
    this.current?.udp?.probe();
  }
  /** Whether the current session runs over the fallback WebSocket URL. */
  get onFallback() {
    return this.usedFallback;
  }
  /** How the current session was set up (cipher, handshake time, peer identity), if connected. */
  get sessionInfo() {
    return this.current?.secure.info;
  }
  /** The live session, connecting if needed. Fails with UNAVAILABLE (or the handshake's error). */
  session() {
    if (this.closed) return Promise.reject(new XtmpError(14 /* UNAVAILABLE */, "channel is closed"));
    if (this.current && this.current.mux.isAvailable) return Promise.resolve(this.current);
    this.connecting ??= this.connect().finally(() => this.connecting = void 0);
    return this.connecting;
  }
  /** Connects now (otherwise the first call does). */
  async connect() {
    const timeout = this.opts.connectTimeoutMs ?? 1e4;
    let duplex;
    try {
      duplex = await dial(this.address, timeout);
      this.usedFallback = false;
    } catch (err) {
      if (!this.opts.fallback) throw err;
      duplex = await dial(this.opts.fallback, timeout);
      this.usedFallback = true;
    }
    const secure = await connectSession(duplex, this.opts);
    if (this.closed) {
      secure.close();
      throw new XtmpError(14 /* UNAVAILABLE */, "channel is closed");
    }
    const cs = {
      secure,
      acceptsZstd: (secure.info.features & Feature.ZSTD) !== 0,
      mux: new MuxSession(secure, {
        isClient: true,
        maxRecvMessage: this.maxRecvMessage,
        keepaliveMs: this.opts.keepaliveMs ?? 3e4,
        onClose: () => {
          cs.udp?.close();
          if (this.current === cs) this.current = void 0;
        }
      })
    };
    const a = parseAddress(this.usedFallback ? this.opts.fallback : this.address);
    if (secure.datagram && a.scheme === "xtmp" && this.opts.datagram !== false) {
      const to = this.opts.datagramAddress ? parseAddress(this.opts.datagramAddress) : a;
      cs.udp = await ClientDatagrams.open(secure.datagram, { address: to.host, port: to.port }, () => cs.mux);
      if (cs.mux.isClosed) cs.udp.close();
    }
    this.current = cs;
    return cs;
  }
  /** Closes the channel: in-flight calls fail with UNAVAILABLE; later calls fail at once. */
  close() {
    this.closed = true;
    this.current?.mux.close();
    this.current = void 0;
  }
};
function dial(address, timeoutMs) {
  const a = parseAddress(address);
  if (a.scheme === "ws" || a.scheme === "wss") return connectWebSocket(address, timeoutMs);
  if (a.scheme !== "xtmp") throw new XtmpError(3 /* INVALID_ARGUMENT */, `unsupported scheme ${a.scheme}:// (use xtmp://, ws:// or wss://)`);
  return connectTcp(a.host, a.port, timeoutMs);
}

// src/rpc/metadata.ts
var KEY = /^[0-9a-z_.-]+$/;
var ASCII_VALUE = /^[\x20-\x7e]*$/;
var Metadata = class _Metadata {
  map = /* @__PURE__ */ new Map();
  /** Creates metadata, optionally copying entries from `init`. */
  constructor(init) {
    if (!init) return;
    if (init instanceof _Metadata || Symbol.iterator in init) {
      for (const [k, v] of init) this.append(k, v);
    } else {
      for (const [k, v] of Object.entries(init)) {
        for (const one2 of Array.isArray(v) ? v : [v]) this.append(k, one2);
      }
    }
  }
  /** Adds a value after any existing values of `key`. */
  append(key, value) {
    const k = checkEntry(key, value);
    const list = this.map.get(k);
    if (list) list.push(value);
    else this.map.set(k, [value]);
    return this;
  }
  /** Replaces all values of `key` with `value`. */
  set(key, value) {
    this.map.set(checkEntry(key, value), [value]);
    return this;
  }
  /** The first value of `key`, or undefined. */
  get(key) {
    return this.map.get(key.toLowerCase())?.[0];
  }
  /** All values of `key`, in insertion order. */
  getAll(key) {
    return [...this.map.get(key.toLowerCase()) ?? []];
  }
  /** Whether `key` has at least one value. */
  has(key) {
    return this.map.has(key.toLowerCase());
  }
  /** Removes every value of `key`. */
  delete(key) {
    return this.map.delete(key.toLowerCase());
  }
  /** Number of distinct keys. */
  get size() {
    return this.map.size;
  }
  /** Iterates `[key, value]` pairs, one per value. */
  *[Symbol.iterator]() {
    for (const [k, list] of this.map) for (const v of list) yield [k, v];
  }
};
function checkEntry(key, value) {
  const k = key.toLowerCase();
  if (!KEY.test(k) || k.startsWith(":")) {
    throw new XtmpError(3 /* INVALID_ARGUMENT */, `invalid metadata key ${JSON.stringify(key)}`);
  }
  if (k.endsWith("-bin")) {
    if (!(value instanceof Uint8Array)) {
      throw new XtmpError(3 /* INVALID_ARGUMENT */, `metadata key ${k} ends in -bin and needs a Uint8Array value`);
    }
  } else if (typeof value !== "string" || !ASCII_VALUE.test(value)) {
    throw new XtmpError(3 /* INVALID_ARGUMENT */, `metadata value of ${k} must be printable ASCII (use a -bin key for bytes)`);
  }
  return k;
}

// src/rpc/deadline.ts
var MAX_TIMEOUT_MS = 4294967295;
function absoluteDeadline(deadline, now = Date.now()) {
  if (deadline === void 0) return void 0;
  return deadline instanceof Date ? deadline.getTime() : now + deadline;
}
function earliest(a, b) {
  if (a === void 0) return b;
  if (b === void 0) return a;
  return Math.min(a, b);
}
function encodeTimeout(deadline, now = Date.now()) {
  return String(Math.max(0, Math.min(MAX_TIMEOUT_MS, Math.ceil(deadline - now))));
}

// src/rpc/interceptor.ts
function chain(interceptors, last) {
  let f = last;
  for (let i = interceptors.length - 1; i >= 0; i--) f = interceptors[i](f);
  return f;
}

// src/rpc/async-queue.ts
var AsyncQueue = class {
  /**
   * @param onTake called when the consumer takes an item (flow-control credit)
   * @param onStop called when the consumer stops early (break/return)
   */
  constructor(onTake, onStop) {
    this.onTake = onTake;
    this.onStop = onStop;
  }
  onTake;
  onStop;
  items = [];
  head = 0;
  done = false;
  error;
  waiter;
  iterated = false;
  /** Number of items waiting. */
  get size() {
    return this.items.length - this.head;
  }
  /** Adds an item. */
  push(item) {
    if (this.done) return;
    const w = this.waiter;
    if (w) {
      this.waiter = void 0;
      this.onTake?.(item);
      w.resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }
  /** No more items: the iteration ends after the queued ones. */
  end() {
    if (this.done) return;
    this.done = true;
    this.settleWaiter();
  }
  /** Fails the iteration after the queued items. */
  fail(error) {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.settleWaiter();
  }
  settleWaiter() {
    const w = this.waiter;
    if (!w || this.size > 0) return;
    this.waiter = void 0;
    if (this.error !== void 0) w.reject(this.error);
    else w.resolve({ value: void 0, done: true });
  }
  next() {
    if (this.size > 0) {
      const item = this.items[this.head];
      this.items[this.head++] = void 0;
      if (this.head > 64 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.onTake?.(item);
      return Promise.resolve({ value: item, done: false });
    }
    if (this.done) return this.error !== void 0 ? Promise.reject(this.error) : Promise.resolve({ value: void 0, done: true });
    if (this.waiter) return Promise.reject(new XtmpError(13 /* INTERNAL */, "concurrent next() on a message stream"));
    return new Promise((resolve, reject3) => this.waiter = { resolve, reject: reject3 });
  }
  return() {
    if (!this.done) {
      this.done = true;
      this.items = [];
      this.head = 0;
      this.onStop?.();
    }
    return Promise.resolve({ value: void 0, done: true });
  }
  [Symbol.asyncIterator]() {
    if (this.iterated) throw new XtmpError(13 /* INTERNAL */, "a message stream can be iterated only once");
    this.iterated = true;
    return this;
  }
};

// src/rpc/header-block.ts
var MAX_ENTRIES = 1024;
var te3 = new TextEncoder();
var td = new TextDecoder("utf-8", { fatal: true });
var ascii = (b) => String.fromCharCode(...b);
var encoded = /* @__PURE__ */ new Map();
function utf8(text) {
  if (text.length > 96) return te3.encode(text);
  let b = encoded.get(text);
  if (!b) {
    b = te3.encode(text);
    if (encoded.size >= 2048) encoded.clear();
    encoded.set(text, b);
  }
  return b;
}
function bad3(what) {
  throw new XtmpError(13 /* INTERNAL */, `protocol error: malformed header block (${what})`);
}
function encodeHeaderBlock(pseudo, metadata) {
  const entries = [];
  for (const [k, v] of pseudo) entries.push([utf8(k), typeof v === "string" ? utf8(v) : v]);
  if (metadata) for (const [k, v] of metadata) entries.push([utf8(k), typeof v === "string" ? utf8(v) : v]);
  let size = varintSize(entries.length);
  for (const [k, v] of entries) size += varintSize(k.length) + k.length + varintSize(v.length) + v.length;
  const out = new Uint8Array(size);
  let off = writeVarint(out, 0, entries.length);
  for (const [k, v] of entries) {
    off = writeVarint(out, off, k.length);
    out.set(k, off);
    off = writeVarint(out, off + k.length, v.length);
    out.set(v, off);
    off += v.length;
  }
  return out;
}
function decodeHeaderBlock(block) {
  const n = readVarint(block, 0) ?? bad3("count");
  if (n[0] > MAX_ENTRIES) bad3("too many entries");
  let off = n[1];
  const pseudo = /* @__PURE__ */ new Map();
  const metadata = new Metadata();
  for (let i = 0; i < n[0]; i++) {
    const kl = readVarint(block, off) ?? bad3("key length");
    if (kl[1] + kl[0] > block.length) bad3("key");
    const key = ascii(block.subarray(kl[1], kl[1] + kl[0]));
    const vl = readVarint(block, kl[1] + kl[0]) ?? bad3("value length");
    if (vl[1] + vl[0] > block.length) bad3("value");
    const value = block.subarray(vl[1], vl[1] + vl[0]);
    off = vl[1] + vl[0];
    if (key.startsWith(":")) {
      pseudo.set(key, value);
      continue;
    }
    try {
      metadata.append(key, key.endsWith("-bin") ? value.slice() : ascii(value));
    } catch {
      bad3(`metadata ${JSON.stringify(key.slice(0, 64))}`);
    }
  }
  if (off !== block.length) bad3("trailing bytes");
  return { pseudo, metadata };
}
function pseudoText(h, key) {
  const v = h.pseudo.get(key);
  if (!v) return void 0;
  try {
    return td.decode(v);
  } catch {
    return void 0;
  }
}

// src/client/never.ts
var NEVER = new AbortController().signal;

// src/rpc/compression-browser.ts
function compressMessage() {
  throw new XtmpError(12 /* UNIMPLEMENTED */, "zstd is not available in the browser build");
}
function decompressMessage() {
  throw new XtmpError(12 /* UNIMPLEMENTED */, "zstd is not available in the browser build");
}

// src/rpc/message-codec.ts
var writer = new BinaryWriter();
var MAX_KEPT_WRITER = 1 << 20;
var COMPRESS_THRESHOLD = 1024;
function shouldCompress(policy, size, peerAccepts, force) {
  if (!peerAccepts) return false;
  if (force !== void 0) return force;
  return policy === "always" || (policy === "auto" || policy === "default") && size >= COMPRESS_THRESHOLD;
}
function encodeMessage(codec, message, compress2) {
  let bytes;
  try {
    bytes = codec.encode(codec.fromPartial(message), writer).finish();
    if (bytes.length > MAX_KEPT_WRITER) writer = new BinaryWriter();
  } catch (err) {
    writer = new BinaryWriter();
    throw new XtmpError(13 /* INTERNAL */, "failed to serialize a message", { cause: err });
  }
  if (!compress2(bytes.length)) return [bytes, false];
  return [compressMessage(bytes), true];
}
function decodeMessage(codec, bytes, compressed, maxSize) {
  const raw = compressed ? decompressMessage(bytes, maxSize) : bytes;
  try {
    return codec.decode(raw);
  } catch (err) {
    throw new XtmpError(13 /* INTERNAL */, "failed to parse a message", { cause: err });
  }
}

// src/client/call.ts
var ClientCall = class {
  constructor(req, env) {
    this.req = req;
    this.env = env;
    this.stats = env.datagramStats ?? { udp: false, received: 0, lost: 0, reordered: 0 };
    this.responses = new AsyncQueue(
      () => this.stream?.messageConsumed(),
      () => this.cancel(new XtmpError(1 /* CANCELLED */, "the caller stopped reading the responses"))
    );
    const header = new Promise((r) => this.headerResolve = r);
    const trailer = new Promise((res, rej) => {
      this.trailerResolve = res;
      this.trailerReject = rej;
    });
    trailer.catch(() => void 0);
    const codec = req.method.responseType;
    const q = this.responses;
    const max = env.maxRecvMessage;
    this.response = {
      header,
      trailer,
      messages: {
        [Symbol.asyncIterator]: () => {
          const it = q[Symbol.asyncIterator]();
          return {
            next: async () => {
              const r = await it.next();
              return r.done ? { done: true, value: void 0 } : { done: false, value: decodeMessage(codec, r.value[0], r.value[1], max) };
            },
            return: () => it.return ? it.return() : Promise.resolve({ done: true, value: void 0 })
          };
        }
      }
    };
    void this.start();
  }
  req;
  env;
  stream;
  responses;
  headerResolve;
  trailerResolve;
  trailerReject;
  done = false;
  drainWaiter;
  timer;
  unlisten;
  stats;
  highestSeq = 0;
  /** The response seen by interceptors. */
  response;
  async start() {
    const { req } = this;
    if (req.signal.aborted) return this.fail(XtmpError.from(req.signal.reason ?? new DOMException("aborted", "AbortError")));
    if (req.signal !== NEVER) {
      const onAbort = () => this.cancel(new XtmpError(1 /* CANCELLED */, "call cancelled by the caller"));
      req.signal.addEventListener("abort", onAbort, { once: true });
      this.unlisten = () => req.signal.removeEventListener("abort", onAbort);
    }
    if (req.deadline !== void 0) {
      const ms = req.deadline - Date.now();
      if (ms <= 0) return this.cancel(new XtmpError(4 /* DEADLINE_EXCEEDED */, "deadline exceeded before the call started"));
      this.timer = setTimeout(() => this.cancel(new XtmpError(4 /* DEADLINE_EXCEEDED */, "deadline exceeded")), ms);
    }
    try {
      const { mux, acceptsZstd, udp } = await this.env.session();
      if (this.done) return;
      const pseudo = [[":path", req.method.path]];
      if (req.method.rules.delivery === "datagram" && udp?.ready) {
        pseudo.push([":delivery", "datagram"]);
        this.stats.udp = true;
      }
      if (req.deadline !== void 0) pseudo.push([":timeout", encodeTimeout(req.deadline)]);
      this.stream = mux.openStream(encodeHeaderBlock(pseudo, req.header), this);
      const policy = req.method.rules.compression;
      const compress2 = (size) => this.env.compression && shouldCompress(policy, size, acceptsZstd, this.env.forceCompression);
      for await (const message of req.messages) {
        if (this.done || this.stream.localEnded) return;
        const [bytes, compressed] = encodeMessage(req.method.requestType, message, compress2);
        if (!this.stream.sendMessage(bytes, compressed)) await new Promise((r) => this.drainWaiter = r);
      }
      this.stream.end();
    } catch (err) {
      this.cancel(XtmpError.from(err, 13 /* INTERNAL */));
    }
  }
  /** Ends the call locally with `error` and resets the stream so the server stops. */
  cancel(error) {
    if (this.done) return;
    this.stream?.reset(error.code === 4 /* DEADLINE_EXCEEDED */ ? 4 /* DEADLINE_EXCEEDED */ : 1 /* CANCELLED */, error.rawMessage);
    this.fail(error);
  }
  fail(error) {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.unlisten?.();
    this.headerResolve(new Metadata());
    this.responses.fail(error);
    this.trailerReject(error);
    this.drainWaiter?.();
  }
  // ---- StreamHandler ----
  onHeaders(block) {
    try {
      this.headerResolve(decodeHeaderBlock(block).metadata);
    } catch (err) {
      this.cancel(XtmpError.from(err, 13 /* INTERNAL */));
    }
  }
  onMessage(data, compressed) {
    this.responses.push([data, compressed]);
  }
  onEnd() {
  }
  /** A message of a DATAGRAM call arrived by UDP: delivered in arrival order; gaps counted as lost. */
  onDatagram(seq, payload) {
    if (this.done) return;
    const s = this.stats;
    s.received++;
    if (seq > this.highestSeq) {
      s.lost += seq - this.highestSeq - 1;
      this.highestSeq = seq;
    } else {
      s.reordered++;
      s.lost = Math.max(0, s.lost - 1);
    }
    if (this.responses.size >= 4096) {
      s.lost++;
      return;
    }
    this.responses.push([payload, false]);
  }
  onTrailers(block) {
    if (this.done) return;
    let status = 13 /* INTERNAL */;
    let message = "malformed trailers";
    let metadata = new Metadata();
    const details = [];
    try {
      const h = decodeHeaderBlock(block);
      const s = Number(pseudoText(h, ":status"));
      status = Number.isInteger(s) && s >= 0 && s <= 16 ? s : 2 /* UNKNOWN */;
      message = pseudoText(h, ":message") ?? "";
      metadata = h.metadata;
      const d = h.pseudo.get(":details-bin");
      if (d) details.push(d.slice());
    } catch {
    }
    this.headerResolve(new Metadata());
    if (status === 0 /* OK */) {
      this.done = true;
      if (this.timer) clearTimeout(this.timer);
      this.unlisten?.();
      this.responses.end();
      this.trailerResolve(metadata);
      this.drainWaiter?.();
    } else {
      this.fail(new XtmpError(status, message, { metadata, details }));
    }
  }
  onReset(error) {
    this.fail(error.code === 1 /* CANCELLED */ ? new XtmpError(1 /* CANCELLED */, error.rawMessage) : error);
  }
  onDrain() {
    const w = this.drainWaiter;
    this.drainWaiter = void 0;
    w?.();
  }
};

// src/client/client.ts
async function* fromIterable(input) {
  yield* input;
}
async function* one(message) {
  yield message;
}
async function unaryResult(messages, path) {
  let result;
  let n = 0;
  for await (const m of messages) {
    result = m;
    n++;
  }
  if (n !== 1) throw new XtmpError(13 /* INTERNAL */, `${path}: expected exactly one response message, got ${n}`);
  return result;
}
function makeInvoke(channel, compress2, datagramStats) {
  return (req) => new ClientCall(req, {
    session: () => channel.session(),
    maxRecvMessage: channel.maxRecvMessage,
    compression: channel.compression,
    datagramStats,
    ...compress2 === void 0 ? {} : { forceCompression: compress2 }
  }).response;
}
function request(method, messages, options) {
  return {
    method,
    header: new Metadata(options?.metadata),
    deadline: earliest(absoluteDeadline(options?.deadline), options?.parent?.deadline),
    signal: signalOf(options),
    messages
  };
}
function signalOf(options) {
  const signals = [options?.signal, options?.parent?.signal].filter((s) => s !== void 0);
  if (signals.length === 0) return NEVER;
  return signals.length === 1 ? signals[0] : AbortSignal.any(signals);
}
function createClient(service, channel) {
  const client = {};
  for (const [local, method] of Object.entries(service.methods)) {
    const invoke = (options) => chain(channel.interceptors, makeInvoke(channel, options?.compress, options?.datagramStats));
    switch (method.kind) {
      case "unary":
        client[local] = (input, options) => unaryResult(invoke(options)(request(method, one(input), options)).messages, method.path);
        break;
      case "server_streaming":
        client[local] = (input, options) => invoke(options)(request(method, one(input), options)).messages;
        break;
      case "client_streaming":
        client[local] = (input, options) => unaryResult(invoke(options)(request(method, fromIterable(input), options)).messages, method.path);
        break;
      default:
        client[local] = (input, options) => invoke(options)(request(method, fromIterable(input), options)).messages;
    }
  }
  return client;
}

// src/browser/index.ts
function createChannel(url, options = {}) {
  return new Channel(url, { crypto: nobleCrypto, compression: false, datagram: false, ...options });
}
function parsePublicKey(text) {
  const t = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(t)) throw new Error("public key must be 64 hex characters");
  return new Uint8Array(t.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
}

// test/browser/page.ts
async function run(url, serverKey) {
  const channel = createChannel(url, { serverKey: parsePublicKey(serverKey) });
  const client = createClient(TestServiceDefinition, channel);
  const unary = (await client.unaryCall({ responseSize: 31415, payload: { type: 0, body: new Uint8Array(27182) } })).payload?.body.length ?? -1;
  const stream = [];
  for await (const r of client.streamingOutputCall({ responseParameters: [9, 2653, 58979].map((size) => ({ size })) })) stream.push(r.payload?.body.length ?? -1);
  const bidi = [];
  let release;
  const requests = (async function* () {
    for (const size of [1, 22, 333]) {
      yield { responseParameters: [{ size }], payload: { type: 0, body: new Uint8Array(size) } };
      await new Promise((r) => release = r);
    }
  })();
  for await (const r of client.fullDuplexCall(requests)) {
    bidi.push(r.payload?.body.length ?? -1);
    release?.();
  }
  let errorCode = -1;
  try {
    await client.unaryCall({ responseStatus: { code: 9, message: "from the browser test" } });
  } catch (err) {
    errorCode = err instanceof XtmpError ? err.code : -2;
  }
  const info = channel.sessionInfo;
  channel.close();
  return { mode: info?.mode, cipher: info?.cipher, unary, stream, bidi, errorCode };
}
globalThis.runXtmp = run;
globalThis.xtmpReady = true;
/*! Bundled license information:

@noble/ciphers/utils.js:
  (*! noble-ciphers - MIT License (c) 2023 Paul Miller (paulmillr.com) *)

@noble/curves/utils.js:
@noble/curves/abstract/modular.js:
@noble/curves/abstract/curve.js:
@noble/curves/abstract/edwards.js:
@noble/curves/abstract/montgomery.js:
@noble/curves/ed25519.js:
  (*! noble-curves - MIT License (c) 2022 Paul Miller (paulmillr.com) *)

@noble/post-quantum/utils.js:
@noble/post-quantum/_crystals.js:
@noble/post-quantum/ml-kem.js:
  (*! noble-post-quantum - MIT License (c) 2024 Paul Miller (paulmillr.com) *)
*/
//# sourceMappingURL=page.js.map
