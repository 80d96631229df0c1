// expect: CWE-918
export async function handler(req: Request) {
  const target = new URL(req.url).searchParams.get('target');
  const r = await fetch(target!);
  return new Response(await r.text());
}
