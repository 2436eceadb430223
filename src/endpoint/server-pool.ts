/**
 * One model served by several servers (BLOOM_ENDPOINT_URL a list), or by one, behind one LlmEndpoint.
 * Every model call takes a slot first (slots.ts): on the server with the most free slots, so the servers
 * share the work by their free capacity and none gets more calls at once than it takes (its
 * max_concurrent_requests, capped by MODEL_CONCURRENCY). A server that cannot be reached is left aside
 * for a while and the call goes to another.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isPalimpsestError } from "../errors.js";
import type { EndpointInfo, GenerateRequest, GenerateResult, LlmEndpoint } from "./port.js";
import type { ModelSlots, SlotServer } from "./slots.js";

export interface PoolMember {
  /** The server's address (or "embedded"): the key of its slots. */
  id: string;
  endpoint: LlmEndpoint;
}

/** How long the first question for the servers' limits waits for the slower ones once one has answered. */
const FIRST_ANSWERS_GRACE_MS = 1_000;

/** How long a server that could not be reached is left aside before calls try it again. */
const UNREACHABLE_PAUSE_MS = 10_000;

/** Calls in flight one server takes: MODEL_CONCURRENCY, capped by its max_concurrent_requests. */
export function serverCapacity(configured: number, info: EndpointInfo): number {
  return Math.max(1, Math.min(configured, info.maxConcurrentRequests));
}

export function serverPool(
  members: readonly PoolMember[],
  slots: ModelSlots,
  configured: number,
  now: () => number = Date.now,
): LlmEndpoint {
  if (members.length === 0) throw new Error("a server pool needs at least one server");
  /** Each member's limits, once it has told them (adapters cache their own info()). */
  const known = new Map<string, EndpointInfo>();
  const pausedUntil = new Map<string, number>();

  const asking = new Map<string, Promise<EndpointInfo>>();
  let warmedUp = false;

  /** Asks the members whose limits are not known yet (one question each at a time). */
  function ask(): Promise<EndpointInfo>[] {
    for (const member of members) {
      if (known.has(member.id) || asking.has(member.id)) continue;
      const question = member.endpoint.info();
      asking.set(member.id, question);
      question
        .then((answer) => known.set(member.id, answer))
        .catch(() => {})
        .finally(() => asking.delete(member.id));
    }
    return [...asking.values()];
  }

  /**
   * The pool's limits, once one member at least has told its own. The first time, the others get a
   * moment to answer too, so that the first calls see every server that is up.
   */
  async function info(): Promise<EndpointInfo> {
    const pending = ask();
    if (known.size === 0) {
      try {
        await Promise.any(pending);
      } catch (error) {
        throw (error as AggregateError).errors[0];
      }
    }
    if (!warmedUp) {
      warmedUp = true;
      await Promise.race([
        Promise.allSettled(pending),
        sleep(FIRST_ANSWERS_GRACE_MS, undefined, { ref: false }),
      ]);
    }
    return combined();
  }

  /**
   * The pool as one server: the first member's identity, the smallest prompt and total limits (a chunk
   * must fit wherever it goes) and, as calls at once, the whole budget.
   */
  function combined(): EndpointInfo {
    const infos = members.flatMap((member) => known.get(member.id) ?? []);
    const first = infos[0] as EndpointInfo;
    return {
      ...first,
      maxInputTokens: Math.min(...infos.map((i) => i.maxInputTokens)),
      maxTotalTokens: Math.min(...infos.map((i) => i.maxTotalTokens)),
      maxConcurrentRequests: infos.reduce((sum, i) => sum + serverCapacity(configured, i), 0),
      exactTokenCounts: infos.every((i) => i.exactTokenCounts),
    };
  }

  /** Members that told their limits and are not left aside; all of those known when every one is. */
  function candidates(excluded: ReadonlySet<string>): SlotServer[] {
    const servers = members.flatMap((member) => {
      const limits = known.get(member.id);
      return limits && !excluded.has(member.id)
        ? [{ id: member.id, capacity: serverCapacity(configured, limits) }]
        : [];
    });
    const available = servers.filter((server) => (pausedUntil.get(server.id) ?? 0) <= now());
    return available.length > 0 ? available : servers;
  }

  async function generate(request: GenerateRequest): Promise<GenerateResult> {
    await info();
    const tried = new Set<string>();
    for (;;) {
      const servers = candidates(tried);
      const lease = await slots.acquire(servers, request.signal);
      const member = members.find((m) => m.id === lease.server) as PoolMember;
      try {
        return await member.endpoint.generate(request);
      } catch (error) {
        const unreachable = isPalimpsestError(error) && error.code === "ENDPOINT_UNREACHABLE";
        if (!unreachable) throw error;
        pausedUntil.set(member.id, now() + UNREACHABLE_PAUSE_MS);
        tried.add(member.id);
        // Every server was tried: the pool is down as a whole (the job runner waits for it).
        if (candidates(tried).length === 0) throw error;
      } finally {
        await lease.release();
      }
    }
  }

  return {
    info,
    async countTokens(text) {
      // Every server serves the same model, so any tokenizer counts alike: the first that answers,
      // those known to be up first.
      const order = [...members].sort((a, b) => Number(known.has(b.id)) - Number(known.has(a.id)));
      let failure: unknown;
      for (const member of order) {
        try {
          return await member.endpoint.countTokens(text);
        } catch (error) {
          failure ??= error;
        }
      }
      throw failure;
    },
    generate,
    // Ready when any server answers.
    async probe(signal) {
      try {
        await Promise.any(members.map((member) => member.endpoint.probe(signal)));
      } catch (error) {
        throw (error as AggregateError).errors[0];
      }
    },
  };
}
