// expect: CWE-90
const ldap = require('ldapjs');

function findUser(client, username, cb) {
  client.search('ou=people,dc=example,dc=com', { filter: `(uid=${username})`, scope: 'sub' }, cb);
}
