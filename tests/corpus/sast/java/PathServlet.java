// expect: CWE-22
public class DownloadServlet extends HttpServlet {
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        File f = new File("/data/reports/" + req.getParameter("report"));
        Files.copy(f.toPath(), resp.getOutputStream());
    }
}
