// expect: CWE-614
public void login(HttpServletResponse resp, String sid) {
    Cookie c = new Cookie("SESSION", sid);
    c.setSecure(false);
    resp.addCookie(c);
}
