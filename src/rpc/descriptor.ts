// Service and method descriptors: the contract between generated code and the runtime.
import type { BinaryWriter } from "@bufbuild/protobuf/wire";

/** How a method streams: one message or many in each direction. */
export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/** The transport path a method's messages take (proto option `xtmp.v1.method.delivery`). */
export type Delivery = "reliable" | "datagram";

/** Whether a call may be retried (proto option `xtmp.v1.method.idempotency`). */
export type Idempotency = "unknown" | "no_side_effects" | "idempotent";

/** Per-method compression policy (proto option `xtmp.v1.method.compression`). */
export type CompressionPolicy = "default" | "never" | "auto" | "always";

/** The XTMP options of one method, after service-level defaults were applied. */
export interface MethodRules {
  /** Transport path of the method's messages. */
  readonly delivery: Delivery;
  /** Retry safety. */
  readonly idempotency: Idempotency;
  /** Every message carries an Ed25519 signature by the sender's identity. */
  readonly signed: boolean;
  /** Compression policy. */
  readonly compression: CompressionPolicy;
}

/** The XTMP options of a service. */
export interface ServiceRules {
  /** Default compression policy of the service's methods. */
  readonly compression: CompressionPolicy;
  /** Every method of the service is signed. */
  readonly signed: boolean;
}

type Builtin = Date | ((...args: never[]) => unknown) | Uint8Array | string | number | boolean | bigint | undefined;

/**
 * A message where every field may be left out (defaults apply), recursively; oneof
 * unions keep their `$case` tag. This is the shape callers pass as a request.
 */
export type DeepPartial<T> = T extends Builtin
  ? T
  : T extends Map<infer K, infer V>
    ? Map<K, DeepPartial<V>>
    : T extends globalThis.Array<infer U>
    ? globalThis.Array<DeepPartial<U>>
    : T extends ReadonlyArray<infer U>
      ? ReadonlyArray<DeepPartial<U>>
      : T extends { $case: string }
        ? { [K in keyof Omit<T, "$case">]?: DeepPartial<T[K]> } & { $case: T["$case"] }
        : T extends {}
          ? { [K in keyof T]?: DeepPartial<T[K]> }
          : Partial<T>;

/** Encodes and decodes one protobuf message type (ts-proto's generated objects fit). */
export interface MessageCodec<T> {
  /** Serialises a complete message, into `writer` when given; `finish()` returns the bytes. */
  encode(message: T, writer?: BinaryWriter): { finish(): Uint8Array };
  /** Parses bytes; throws on malformed input. */
  decode(bytes: Uint8Array): T;
  /** Builds a complete message from a partial one, filling defaults. */
  fromPartial(object: DeepPartial<T>): T;
}

/** Everything the runtime knows about one RPC method. */
export interface MethodDescriptor<I, O, K extends MethodKind = MethodKind> {
  /** Method name as in the .proto, e.g. `RegisterWallet`. */
  readonly name: string;
  /** gRPC-style path, `/package.Service/Method`. */
  readonly path: string;
  /** Numeric id, unique within the service: 1-based position in the .proto (append-only). */
  readonly id: number;
  /** Streaming kind. */
  readonly kind: K;
  /** Request message codec. */
  readonly requestType: MessageCodec<I>;
  /** Response message codec. */
  readonly responseType: MessageCodec<O>;
  /** XTMP options. */
  readonly rules: MethodRules;
}

/**
 * A method descriptor of any message types. Every `MethodDescriptor<I, O, K>` is assignable
 * to it because codec members are declared as methods (bivariant parameters).
 */
export type AnyMethodDescriptor = MethodDescriptor<unknown, unknown, MethodKind>;

/** A compiled .proto file as the generator embeds it (server reflection serves these). */
export interface FileDescriptorInfo {
  /** File name as compiled, relative to its module root, e.g. `bpci/v1/bpci.proto`. */
  readonly name: string;
  /** The file's serialized `google.protobuf.FileDescriptorProto`, base64 (decoded on first use). */
  readonly base64: string;
  /** The files it imports, in import order, each with its own imports. */
  readonly dependencies: readonly FileDescriptorInfo[];
}

/** Everything the runtime knows about one service; the generator emits one per service. */
export interface ServiceDescriptor {
  /** Fully-qualified service name, e.g. `bpci.v1.BpciService`. */
  readonly typeName: string;
  /** The .proto file declaring the service, with its imports (generated code sets it; reflection needs it). */
  readonly file?: FileDescriptorInfo;
  /** XTMP service options. */
  readonly rules: ServiceRules;
  /** Methods by their lowerCamelCase local name. */
  readonly methods: { readonly [localName: string]: AnyMethodDescriptor };
}
