// expect: safe
import axios from 'axios';

const api = axios.create({ baseURL: 'https://api.example.com' });

export async function getUser(id: string) {
  return (await api.get(`/users/${encodeURIComponent(id)}`)).data;
}
