// expect: safe
public class HelloServlet extends HttpServlet {
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().println("<h1>Hello " + Encode.forHtml(req.getParameter("name")) + "</h1>");
    }
}
