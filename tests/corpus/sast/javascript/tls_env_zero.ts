// expect: CWE-295
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

export const client = createClient();
