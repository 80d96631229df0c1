// expect: CWE-89
async function search(sequelize, term) {
  return sequelize.query(`SELECT * FROM posts WHERE title LIKE '%${term}%'`);
}
