// expect: safe
public class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);

    public void onLogin(String user) {
        log.info("User " + user + " logged in");
    }
}
