import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("uses defaults when the environment is empty", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.serverKind).toBe("auto");
    expect(config.hfToken).toBeUndefined();
  });

  it("parses and normalises values", () => {
    const config = loadConfig({ PORT: "8081", BLOOM_SERVER: "TGI", BLOOM_ENDPOINT_URL: "http://tgi:80/" });
    expect(config.port).toBe(8081);
    expect(config.serverKind).toBe("tgi");
    expect(config.endpointUrls).toEqual(["http://tgi"]);
  });

  it("reads several model servers of one model from a comma-separated BLOOM_ENDPOINT_URL", () => {
    const config = loadConfig({ BLOOM_ENDPOINT_URL: " http://gpu1:8080/, https://gpu2 ," });
    expect(config.endpointUrls).toEqual(["http://gpu1:8080", "https://gpu2"]);
    expect(() => loadConfig({ BLOOM_ENDPOINT_URL: "http://a,http://a/" })).toThrow(/listed twice/);
    expect(() => loadConfig({ BLOOM_ENDPOINT_URL: "http://a,ftp://b" })).toThrow(/BLOOM_ENDPOINT_URL/);
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["BLOOM_SERVER", "ollama"],
    ["BLOOM_ENDPOINT_URL", "ftp://x"],
    ["CHUNK_OVERLAP", "1.5"],
    ["LOG_LEVEL", "loud"],
  ])("names the variable when %s=%s is bad", (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${variable}:`),
    );
  });
});
