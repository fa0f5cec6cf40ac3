// Test helper: Prometheus text exposition → samples by series (`name{label="value",…}`) and the TYPE of each family.
export interface Scrape {
  samples: Map<string, number>;
  types: Map<string, string>;
}

/** Parses the text format prom-client writes (no timestamps). */
export function parseScrape(text: string): Scrape {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { samples, types };
}
