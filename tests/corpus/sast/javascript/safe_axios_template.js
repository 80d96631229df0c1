// expect: safe
const axios = require('axios');

async function getRepo(owner, repo) {
  const res = await axios.get(`https://api.github.com/repos/${owner}/${repo}`);
  return res.data;
}
