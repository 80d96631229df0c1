// expect: safe
export function Bio({ user }) {
  return <div className="bio">{user.bio}</div>;
}
