// expect: safe
const API = process.env.API_URL ?? 'http://localhost:4000';

export async function listTodos(userId: string) {
  const r = await fetch(`${API}/todos?user=${encodeURIComponent(userId)}`);
  return r.json();
}
