/** Builds a multipart/form-data body the way a browser or curl would, for fastify's inject(). */
export async function multipartBody(
  file: { bytes: Uint8Array; filename: string; type?: string },
  fields: Record<string, string> = {},
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append(
    "file",
    new Blob([file.bytes], { type: file.type ?? "application/octet-stream" }),
    file.filename,
  );
  const request = new Request("http://localhost/", { method: "POST", body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { "content-type": request.headers.get("content-type") ?? "" },
  };
}
