// expect: CWE-79
export function Bio({ user }) {
  return <div dangerouslySetInnerHTML={{ __html: user.bio }} />;
}
