/** Queues an uploaded document as a job and answers 202 with it: POST /v1/documents, and large /v1/extract uploads. */
import type { FastifyReply } from "fastify";
import { jobOwner, type Principal } from "../auth/authenticator.js";
import { admitWork } from "../auth/quotas.js";
import { submitDocument } from "../jobs/submit.js";
import type { Profile } from "../profiles/profile.js";
import type { Services } from "../services.js";
import { jobSpec, jobView } from "./job-view.js";
import { spooledBytes } from "./spool.js";
import type { Upload } from "./upload.js";

export async function queueUpload(
  services: Services,
  upload: Upload,
  profile: Profile,
  reply: FastifyReply,
  principal: Principal,
) {
  await admitWork(services.store, services.config, principal, { job: true, bytes: upload.content.size });
  const job = await submitDocument(services, {
    owner: jobOwner(principal),
    requestId: reply.request.id,
    content: spooledBytes(upload.content),
    ...(upload.filename ? { filename: upload.filename } : {}),
    spec: jobSpec(profile, upload.options),
  });
  return reply
    .code(202)
    .header("location", `/v1/jobs/${job.id}`)
    .send(await jobView(services, job));
}
