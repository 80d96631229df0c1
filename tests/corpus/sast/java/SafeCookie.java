// expect: safe
public void login(HttpServletResponse resp, String sid) {
    Cookie c = new Cookie("SESSION", sid);
    c.setSecure(true);
    c.setHttpOnly(true);
    resp.addCookie(c);
}
