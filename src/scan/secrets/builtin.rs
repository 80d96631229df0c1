//! The built-in secret rules, written for this project from the providers' published token
//! formats. Keywords are the literal prefixes or words the regex cannot match without; the
//! engine's prefilter only runs a rule where one of them occurs.
//!
//! `ci` keywords are matched ASCII-case-insensitively (gitleaks semantics); `cs` keywords
//! case-sensitively, which matters for short prefixes (`SK`, `AKIA`, `eyJ`) that would
//! otherwise hit ordinary words on every line.
//!
//! Spans cover the secret value only (the regex's secret group), not the `password=` before
//! it, so redaction keeps the surrounding config readable for the model.
//!
//! Classes are ASCII where the text they match is ASCII: a Unicode `\w` under a `{0,24}`
//! repetition compiled to 5 MB per rule, which measured as most of the scanner's memory.

use super::filter::Check;

/// One built-in rule.
pub(crate) struct Def {
    pub(crate) id: &'static str,
    pub(crate) entity: &'static str,
    pub(crate) regex: &'static str,
    pub(crate) ci: &'static [&'static str],
    pub(crate) cs: &'static [&'static str],
    pub(crate) entropy: f32,
    pub(crate) score: f32,
    pub(crate) multiline: bool,
    pub(crate) check: Check,
    pub(crate) tail: Option<Tail>,
}

/// The end of a pattern that holds all its groups, for rules whose secret follows an
/// assignment operator: each match's groups are then resolved by this short pattern from the
/// operator on, instead of by the whole pattern (about 1.3 µs a match for
/// `generic-assignment`, half its cost on text dense with `password=` lines).
pub(crate) struct Tail {
    /// The bytes that open the tail (the operator). Nothing before the tail holds one, except
    /// the match's first byte, so the first one after it is where the tail starts.
    pub(crate) opens: &'static [u8],
    /// The rest of the rule's regex from the operator on: a suffix of it, without
    /// look-around, holding every capture group.
    pub(crate) pattern: &'static str,
}

#[allow(clippy::too_many_arguments)] // a table row per rule reads better than a struct literal per rule
const fn def(
    id: &'static str,
    entity: &'static str,
    regex: &'static str,
    ci: &'static [&'static str],
    cs: &'static [&'static str],
    entropy: f32,
    score: f32,
    check: Check,
) -> Def {
    Def {
        id,
        entity,
        regex,
        ci,
        cs,
        entropy,
        score,
        multiline: false,
        check,
        tail: None,
    }
}

impl Def {
    const fn with_tail(self, opens: &'static [u8], pattern: &'static str) -> Def {
        Def {
            tail: Some(Tail { opens, pattern }),
            ..self
        }
    }
}

/// What `generic-assignment` reads from its operator on: its [`Tail`]. The key before it is
/// letters, digits, `_.-`, quotes and spaces, none of which opens the tail.
macro_rules! assigned_value {
    () => {
        r#"(?:=|:|:=|=>|\?=)\s*(?:\*\*([^\s*]{6,})\*\*|(?:\*\*|__|</[a-z]{1,6}>)?\s*(?:"([^"\s]{6,})"|'([^'\s]{6,})'|["'`]?([^\s"'`;,<>{}()\[\]]{6,})))"#
    };
}

/// All built-in rules. The first capture group that takes part is the secret.
pub(crate) const RULES: &[Def] = &[
    def(
        "aws-access-key-id",
        "AWS_ACCESS_KEY",
        r"\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b",
        &[],
        &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "aws-secret-access-key",
        "AWS_SECRET_KEY",
        r#"(?i)(?:aws|amazon)[A-Za-z0-9_.\- ]{0,24}(?:secret|private|sk)[A-Za-z0-9_.\- ]{0,24}["']?(?:\s*(?:=|:|=>|:=)\s*|\s+(?:is|es)\s+)["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        &["aws", "amazon"],
        &[],
        4.0,
        0.9,
        Check::None,
    ),
    // The secret right after its access key id, as the console's credentials.csv and
    // `aws configure` transcripts have it: `AKIA…,<secret>`, `AKIA… / <secret>`, or on the
    // next line. A 40-char hex hash there (a commit id) stays under the entropy floor.
    def(
        "aws-secret-after-key-id",
        "AWS_SECRET_KEY",
        r#"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b(?:[^A-Za-z0-9/+=\n]{1,6}|[ \t]+/[ \t]+|[ \t]*\r?\n[ \t]*|[^A-Za-z0-9/+=\n]{1,6}(?i:secret(?:[ _]access)?(?:[ _]key)?|sk)[^A-Za-z0-9/+=\n]{1,6})([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        &[],
        &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
        4.0,
        0.9,
        Check::None,
    ),
    def(
        "github-token",
        "GITHUB_TOKEN",
        r"\b(gh[pousr]_[A-Za-z0-9]{36,251})\b",
        &[],
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        3.0,
        0.97,
        Check::None,
    ),
    def(
        "github-fine-grained-pat",
        "GITHUB_TOKEN",
        r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        &[],
        &["github_pat_"],
        3.0,
        0.97,
        Check::None,
    ),
    def(
        "gitlab-token",
        "GITLAB_TOKEN",
        r"\b((?:glpat|gldt|glrt|glptt|glcbt|glimt|glagent|glsoat|glffct|glft|gloas)-[A-Za-z0-9_\-]{20,})\b",
        &[],
        &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glimt-", "glagent-", "glsoat-",
            "glffct-", "glft-", "gloas-",
        ],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "gitlab-runner-registration",
        "GITLAB_TOKEN",
        r"\b(GR1348941[A-Za-z0-9_\-]{20})\b",
        &[],
        &["GR1348941"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "anthropic-api-key",
        "ANTHROPIC_API_KEY",
        r"\b(sk-ant-[a-z0-9]{3,10}-[A-Za-z0-9_\-]{32,200})",
        &[],
        &["sk-ant-"],
        3.5,
        0.98,
        Check::None,
    ),
    def(
        "openai-api-key",
        "OPENAI_API_KEY",
        r"\b(sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,200})(?:[^A-Za-z0-9_\-]|$)",
        &[],
        &["sk-"],
        3.5,
        0.95,
        Check::OpenAi,
    ),
    def(
        "slack-token",
        "SLACK_TOKEN",
        r"\b(xox[abposre]-[0-9A-Za-z\-]{10,250})\b",
        &[],
        &[
            "xoxb-", "xoxa-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "xoxe-",
        ],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "slack-app-token",
        "SLACK_TOKEN",
        r"\b(xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)\b",
        &[],
        &["xapp-"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "slack-webhook",
        "SLACK_WEBHOOK",
        r"((?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,})",
        &["hooks.slack.com"],
        &[],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "stripe-key",
        "STRIPE_KEY",
        r"\b((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{20,247})\b",
        &[],
        &[
            "sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_",
        ],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "stripe-webhook-secret",
        "STRIPE_KEY",
        r"\b(whsec_[A-Za-z0-9+/=]{32,})",
        &[],
        &["whsec_"],
        3.0,
        0.9,
        Check::None,
    ),
    def(
        "google-api-key",
        "GOOGLE_API_KEY",
        r"\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
        &[],
        &["AIza"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "google-oauth-client-secret",
        "GOOGLE_OAUTH_SECRET",
        r"\b(GOCSPX-[A-Za-z0-9_\-]{28})",
        &[],
        &["GOCSPX-"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "twilio-api-key",
        "TWILIO_API_KEY",
        r"\b(SK[0-9a-fA-F]{32})\b",
        &[],
        &["SK"],
        3.0,
        0.85,
        Check::None,
    ),
    def(
        "twilio-auth-token",
        "TWILIO_AUTH_TOKEN",
        r#"(?i)twilio[A-Za-z0-9_.\- ]{0,30}(?:auth|token|secret)[A-Za-z0-9_.\- ]{0,12}["']?\s*(?:=|:)\s*["']?([a-f0-9]{32})\b"#,
        &["twilio"],
        &[],
        3.0,
        0.9,
        Check::None,
    ),
    def(
        "sendgrid-api-key",
        "SENDGRID_API_KEY",
        r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})\b",
        &[],
        &["SG."],
        3.0,
        0.97,
        Check::None,
    ),
    def(
        "npm-token",
        "NPM_TOKEN",
        r"\b(npm_[A-Za-z0-9]{36})\b",
        &[],
        &["npm_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "npmrc-auth-token",
        "NPM_TOKEN",
        r#"(?i)_authToken\s*=\s*["']?([A-Za-z0-9\-_.+/=]{20,})"#,
        &["_authtoken"],
        &[],
        3.0,
        0.9,
        Check::Password,
    ),
    def(
        "pypi-token",
        "PYPI_TOKEN",
        // pypi.org and test.pypi.org macaroons.
        r"\b(pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})",
        &[],
        &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
        3.0,
        0.97,
        Check::None,
    ),
    def(
        "azure-storage-key",
        "AZURE_STORAGE_KEY",
        r"(?i)AccountKey\s*=\s*([A-Za-z0-9+/]{86,88}={0,2})",
        &["accountkey"],
        &[],
        4.0,
        0.95,
        Check::None,
    ),
    def(
        "azure-sas-token",
        "AZURE_SAS_TOKEN",
        r"(?i)[?&]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})",
        &["sig="],
        &[],
        3.5,
        0.85,
        Check::None,
    ),
    def(
        "azure-ad-client-secret",
        "AZURE_CLIENT_SECRET",
        r"(?:^|[^A-Za-z0-9_~.\-])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?:[^A-Za-z0-9_~.\-]|$)",
        &[],
        &["Q~"],
        3.0,
        0.9,
        Check::None,
    ),
    def(
        "jwt",
        "JWT",
        r"\b(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)",
        &[],
        &["eyJ"],
        3.0,
        0.95,
        Check::Jwt,
    ),
    // The body holds no `--` (base64, `Proc-Type:`/`DEK-Info:` headers, `\n` escapes), so a
    // block cut before its end marker stops at the next block's dashes instead of running on
    // to that block's end with the text between. It also bounds the search back for a match's
    // start: under `[\s\S]*?` it walked back over all the text since the previous match (2.0
    // of 11.5 ms of secret rules on the dense megabyte; 0.4 ms now).
    Def {
        id: "private-key",
        entity: "PRIVATE_KEY",
        regex: r"(-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:(?:[^-]|-[^-])*?-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,\-]{64,}))",
        ci: &[],
        cs: &["-----BEGIN"],
        entropy: 0.0,
        score: 0.99,
        multiline: true,
        check: Check::Pem,
        tail: None,
    },
    def(
        "url-password",
        "CONNECTION_STRING",
        // The user may be an e-mail address (`smtp://ana@acme.mx:pw@smtp.acme.mx`).
        r#"\b[A-Za-z][A-Za-z0-9+.\-]{1,30}://[^\s:/?#'"<>\[\]]*:([^\s/?'"<>]+)@[A-Za-z0-9.\-_\[\]]+"#,
        &["://"],
        &[],
        0.0,
        0.9,
        Check::Password,
    ),
    def(
        "connection-string-password",
        "CONNECTION_STRING",
        r#"(?i)(?:server|data source|host|user id|uid|database|initial catalog|address)\s*=[^;\n]*;[^\n]*?\b(?:password|pwd)\s*=\s*([^;'"\s]{3}[^;'"\s]*)"#,
        &["password", "pwd"],
        &[],
        0.0,
        0.9,
        Check::Password,
    ),
    def(
        "authorization-bearer",
        "BEARER_TOKEN",
        r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{16,}=*)",
        &["bearer"],
        &[],
        3.3,
        0.85,
        Check::Generic,
    ),
    // Other `Authorization` schemes carry the same kind of value: Django REST Framework's
    // and GitHub's `Token`, `ApiKey`, GoDaddy's `sso-key`.
    def(
        "authorization-token",
        "AUTH_TOKEN",
        r"(?i)\bauthorization\s*:\s*(?:token|api-?key|sso-key|key)\s+([A-Za-z0-9\-._~+/:]{16,}=*)",
        &["authorization"],
        &[],
        3.0,
        0.85,
        Check::None,
    ),
    // Session cookies in a pasted request or HAR: whoever holds one is logged in.
    def(
        "session-cookie",
        "SESSION_COOKIE",
        r"(?i)\b(?:sessionid|phpsessid|jsessionid|connect\.sid|laravel_session|asp\.net_sessionid|_session_id|(?:cookie:\s*(?:[^\n;]*;\s*)*)session)=([A-Za-z0-9%\-._~+/]{16,})",
        &[
            "sessionid",
            "phpsessid",
            "jsessionid",
            "connect.sid",
            "laravel_session",
            "asp.net_sessionid",
            "_session_id",
            "cookie",
        ],
        &[],
        3.0,
        0.85,
        Check::None,
    ),
    // Passwords given to command-line tools: `curl -u user:pass`, `sshpass -p …`,
    // `mysql -p…`, `docker login -p …`, `redis-cli -a …`.
    def(
        "cli-password",
        "GENERIC_SECRET",
        r#"(?i)(?:\bcurl\b[^\n]*?\s(?:-u|--user)\s+['"]?[^\s:'"]+:|\bsshpass\s+-p\s*|\b(?:mysql|mysqldump|mysqladmin)\b[^\n]*?\s-p|\bdocker\s+login\b[^\n]*?\s(?:-p|--password)[\s=]+|\bredis-cli\b[^\n]*?\s-a\s+)['"]?([^\s'"@]{6,})"#,
        &["curl", "sshpass", "mysql", "docker", "redis-cli"],
        &[],
        2.5,
        0.85,
        Check::Password,
    ),
    // The next rules leave a value's length to their check: a Unicode class under a counted
    // repetition compiles to an automaton state per count (start-up grew by a fifth).
    //
    // SQL that sets a password, as migrations and DBA tickets carry it: MySQL's and
    // Oracle's `IDENTIFIED BY '…'`, PostgreSQL's `CREATE|ALTER USER|ROLE … PASSWORD '…'`.
    def(
        "sql-password",
        "GENERIC_SECRET",
        r#"(?i)\bidentified\s+(?:with\s+[A-Za-z0-9_]+\s+)?by\s+(?:password\s+)?['"]([^'"\n]+)['"]|\b(?:create|alter)\s+(?:user|role)\b[^;\n]*?\bpassword\s+['"]([^'"\n]+)['"]"#,
        &["identified", "create", "alter"],
        &[],
        0.0,
        0.85,
        Check::Password,
    ),
    // PHP constants: `define('DB_PASSWORD', '…')` and WordPress's keys and salts
    // (`define('AUTH_KEY', '…')`), the first lines of every `wp-config.php`.
    def(
        "php-define",
        "GENERIC_SECRET",
        r#"(?i)\bdefine\s*\(\s*['"][A-Za-z0-9_]{0,40}?(?:password|passwd|_pass|secret|token|api_?key|_key|_salt)['"]\s*,\s*(?:'([^'\n]+)'|"([^"\n]+)")"#,
        &["define"],
        &[],
        2.8,
        0.8,
        Check::Generic,
    ),
    // A Terraform variable named for a secret with its value as the default.
    def(
        "terraform-default",
        "GENERIC_SECRET",
        r#"(?i)\bvariable\s+"[A-Za-z0-9_\-]{0,40}?(?:password|passwd|secret|token|api_?key|access_key|private_key)[A-Za-z0-9_\-]{0,20}"\s*\{[^}]*?\bdefault\s*=\s*"([^"\n]+)""#,
        &["variable"],
        &[],
        2.8,
        0.8,
        Check::Generic,
    ),
    // `.netrc` (curl, git, ftp): `machine host login user password …`, on one line or
    // several.
    def(
        "netrc-password",
        "GENERIC_SECRET",
        r"(?i)\bmachine\s+[^\s]+\s+login\s+[^\s]+\s+password\s+(\S{6}\S*)",
        &["machine"],
        &[],
        0.0,
        0.85,
        Check::Password,
    ),
    // `.pgpass`: `host:port:database:user:password`, one login a line. The port (or `*`) is
    // the literal every line has.
    def(
        "pgpass-password",
        "GENERIC_SECRET",
        r"(?m)^[ \t]*(?:[A-Za-z0-9.\-]+|\*):(?:5432|\*):[^:\s]+:[^:\s]+:(\S+)[ \t]*\r?$",
        &[],
        &[":5432:", ":*:"],
        0.0,
        0.85,
        Check::Password,
    ),
    // Azure API Management and Azure Functions keys, sent in their own headers.
    def(
        "azure-api-key",
        "AZURE_API_KEY",
        r#"(?i)\b(?:ocp-apim-subscription-key|x-functions-key)["']?\s*[:=,]\s*["']?([A-Za-z0-9_\-]{20,}={0,2})"#,
        &["ocp-apim-subscription-key", "x-functions-key"],
        &[],
        3.0,
        0.9,
        Check::Generic,
    ),
    // A PEM private key stored base64-encoded, as Kubernetes Secrets (`tls.key:`) and CI
    // variables keep it: `LS0tLS1CRUdJTi` is `-----BEGIN`. Certificates decode too, and
    // are not secrets; the check reads the header.
    def(
        "private-key-base64",
        "PRIVATE_KEY",
        r"\b(LS0tLS1CRUdJTi[A-Za-z0-9+/]{100,}={0,2})",
        &[],
        &["LS0tLS1CRUdJTi"],
        0.0,
        0.99,
        Check::PemBase64,
    ),
    // Registry logins: Docker's `config.json` (`"auths": {host: {"auth": …}}`) and npm's
    // `_auth`. The value is only base64 of `user:password`.
    def(
        "registry-auth",
        "BASIC_AUTH",
        r#"(?:"auth"\s*:\s*"|\b_auth\s*=\s*["']?)([A-Za-z0-9+/]{8,}={0,2})"#,
        &[],
        &["\"auth\"", "_auth"],
        2.5,
        0.9,
        Check::UserPass,
    ),
    def(
        "authorization-basic",
        "BASIC_AUTH",
        r"(?i)\bauthorization\s*:\s*basic\s+([A-Za-z0-9+/]{12,}={0,2})",
        &["basic"],
        &[],
        3.0,
        0.85,
        Check::None,
    ),
    // A quoted value runs to its closing quote (Django's keys hold `(`, `)` and `=`); an
    // unquoted one to a delimiter.
    // The value runs to its end: a cap (it was 200 chars) left the rest of a longer secret
    // unredacted, and its bounded repetition made the regex's automaton six times larger,
    // which every match paid for when its secret group was resolved.
    def(
        "generic-assignment",
        "GENERIC_SECRET",
        concat!(
            r#"(?i)(?:^|[^A-Za-z0-9])[A-Za-z0-9_.\-]{0,40}?(?:password|passwd|pwd|passphrase|secret|token|api[_\-]?key|apikey|access[_\-]?key|auth[_\-]?key|private[_\-]?key|(?:encryption|signing|master|hmac)[_\-]?key|client[_\-]?secret|credentials?|contrase(?:ñ|n)a|clave|_pass\b)[A-Za-z0-9_.\-]{0,20}(?:["'\]`]{1,2}|\*\*|__)?\s*"#,
            assigned_value!()
        ),
        &[
            "password",
            "passwd",
            "pwd",
            "passphrase",
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "access_key",
            "access-key",
            "accesskey",
            "auth_key",
            "auth-key",
            "authkey",
            "private_key",
            "private-key",
            "privatekey",
            "client_secret",
            "client-secret",
            "clientsecret",
            "credential",
            "contraseña",
            "contraseÑa",
            "contrasena",
            "clave",
            "encryption_key",
            "encryption-key",
            "encryptionkey",
            "signing_key",
            "signing-key",
            "signingkey",
            "master_key",
            "master-key",
            "masterkey",
            "hmac_key",
            "hmac-key",
            "hmackey",
            "_pass",
        ],
        &[],
        2.8,
        0.75,
        Check::Generic,
    )
    .with_tail(b"=:?", assigned_value!()),
    // XML configuration: an element named for a secret (Maven's `<password>`, `<api-key>`)
    // and .NET / Java key-value elements (`<add key="ClientSecret" value="…"/>`,
    // `<property name="hibernate.connection.password" value="…"/>`). Two rules, one per
    // form, so each pattern opens with its own literal (`<`; `key` or `name`) for the regex
    // crate to skip ahead by: as one pattern it had none and read every byte (~1.5 ns a
    // byte) wherever `</` or `value` occurred.
    def(
        "xml-element-secret",
        "GENERIC_SECRET",
        r#"(?i)<[A-Za-z0-9_.:\-]{0,30}?(?:password|passwd|secret|token|api[_\-]?key|apikey|credential)[A-Za-z0-9_.:\-]{0,20}>([^<\s]{6,})</"#,
        // The literal every match has, rarer than the secret words.
        &["</"],
        &[],
        2.8,
        0.8,
        Check::Generic,
    ),
    def(
        "xml-key-value-secret",
        "GENERIC_SECRET",
        r#"(?i)\b(?:key|name)\s*=\s*"[^"\n]{0,40}?(?:password|passwd|secret|token|api[_\-]?key|apikey|credential)[^"\n]{0,20}"\s+value\s*=\s*"([^"\s]{6,})""#,
        &["value"],
        &[],
        2.8,
        0.8,
        Check::Generic,
    ),
    // Environment lists name a variable and give its value in the next key: Kubernetes
    // and ECS (`- name: DB_PASSWORD` / `value: …`, `{"name": …, "value": …}`).
    // `valueFrom:` (a reference to a Secret) is not a value.
    def(
        "env-name-value",
        "GENERIC_SECRET",
        r#"(?i)\bname["']?\s*:\s*["']?[A-Za-z0-9_.\-]{0,40}?(?:password|passwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|credentials?)[A-Za-z0-9_.\-]{0,20}["']?\s*,?\s*["']?value["']?\s*:\s*(?:"([^"\s]{6,})"|'([^'\s]{6,})'|([^\s"'`,}]{6,}))"#,
        // The one literal every match has, rarer than the secret words.
        &["value"],
        &[],
        2.8,
        0.8,
        Check::Generic,
    ),
    // Up to four words may say whose password it is: "the password for the admin panel
    // is …", "la contraseña del wifi es: …", "Contraseña nueva: …", "Password (temporary):
    // …". Pasted from a wiki or a ticket, the label is often bold (`**Password:** …`).
    // "Clave" alone is any code ("clave de elector", "clave de rastreo"), so it takes
    // only the qualifiers that make it a password.
    def(
        "password-in-prose",
        "GENERIC_SECRET",
        r#"(?i)\b(?:(?:password|passcode|passphrase|contrase(?:ñ|n)a)(?:\s+[^\s"'`:=]+){0,4}?|clave(?:\s+(?:de\s+acceso|del?\s+(?:la\s+)?(?:wifi|wi-fi|red|internet|cuenta|correo|usuario|root|admin|administrador|servidor|base\s+de\s+datos)))?)(?:\s+(?:is|es|was|era|ser[ií]a|would be|sigue siendo)\s*:?|(?:\*\*|__|`)?\s*:)\s*(?:\*\*([^\s*]{6}[^\s*]*)\*\*|(?:\*\*|__|</[a-z]{1,6}>)?\s*["'`]?([^\s"'`;,<>{}()\[\]]{6}[^\s"'`;,<>{}()\[\]]*))"#,
        &[
            "password",
            "passcode",
            "passphrase",
            "contraseña",
            "contraseÑa",
            "contrasena",
            "clave",
        ],
        &[],
        2.5,
        0.8,
        Check::Generic,
    ),
    def(
        "huggingface-token",
        "HUGGINGFACE_TOKEN",
        r"\b(hf_[A-Za-z]{34})\b",
        &[],
        &["hf_"],
        3.0,
        0.9,
        Check::None,
    ),
    def(
        "digitalocean-token",
        "DIGITALOCEAN_TOKEN",
        r"\b(do[opr]_v1_[a-f0-9]{64})\b",
        &[],
        &["dop_v1_", "doo_v1_", "dor_v1_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "shopify-token",
        "SHOPIFY_TOKEN",
        r"\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b",
        &[],
        &["shpat_", "shpca_", "shppa_", "shpss_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "telegram-bot-token",
        "TELEGRAM_BOT_TOKEN",
        r"\b(\d{8,10}:AA[0-9A-Za-z_\-]{33})\b",
        &[],
        &[":AA"],
        3.0,
        0.9,
        Check::None,
    ),
    def(
        "mailgun-key",
        "MAILGUN_API_KEY",
        r"\b(key-[0-9a-f]{32})\b",
        &[],
        &["key-"],
        3.0,
        0.85,
        Check::None,
    ),
    def(
        "mailchimp-key",
        "MAILCHIMP_API_KEY",
        r"\b([0-9a-f]{32}-us\d{1,2})\b",
        &[],
        &["-us"],
        3.0,
        0.9,
        Check::None,
    ),
    def(
        "databricks-token",
        "DATABRICKS_TOKEN",
        r"\b(dapi[a-f0-9]{32}(?:-\d)?)\b",
        &[],
        &["dapi"],
        3.0,
        0.9,
        Check::None,
    ),
    def(
        "postman-key",
        "POSTMAN_API_KEY",
        r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b",
        &[],
        &["PMAK-"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "vault-token",
        "VAULT_TOKEN",
        r"\b(hv[sb]\.[A-Za-z0-9_\-]{90,200})\b",
        &[],
        &["hvs.", "hvb."],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "grafana-token",
        "GRAFANA_TOKEN",
        r"\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})",
        &[],
        &["glsa_", "glc_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "linear-api-key",
        "LINEAR_API_KEY",
        r"\b(lin_api_[A-Za-z0-9]{40})\b",
        &[],
        &["lin_api_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "notion-token",
        "NOTION_TOKEN",
        r"\b(ntn_[0-9]{11}[A-Za-z0-9]{35})\b",
        &[],
        &["ntn_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "doppler-token",
        "DOPPLER_TOKEN",
        r"\b(dp\.pt\.[A-Za-z0-9]{43})\b",
        &[],
        &["dp.pt."],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "square-token",
        "SQUARE_TOKEN",
        r"\b(sq0(?:atp|csp)-[0-9A-Za-z\-_]{22,43})\b",
        &[],
        &["sq0atp-", "sq0csp-"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "atlassian-token",
        "ATLASSIAN_API_TOKEN",
        r"\b(ATATT3[A-Za-z0-9_\-=]{150,250})",
        &[],
        &["ATATT3"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "discord-webhook",
        "DISCORD_WEBHOOK",
        r"(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]{60,})",
        &["discord"],
        &[],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "groq-api-key",
        "GROQ_API_KEY",
        r"\b(gsk_[A-Za-z0-9]{52})\b",
        &[],
        &["gsk_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "xai-api-key",
        "XAI_API_KEY",
        r"\b(xai-[A-Za-z0-9]{80})\b",
        &[],
        &["xai-"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "replicate-token",
        "REPLICATE_API_TOKEN",
        r"\b(r8_[A-Za-z0-9]{37})\b",
        &[],
        &["r8_"],
        3.0,
        0.95,
        Check::None,
    ),
    def(
        "heroku-api-key",
        "HEROKU_API_KEY",
        r#"(?i)heroku[A-Za-z0-9_.\- ]{0,24}["']?\s*(?:=|:)\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"#,
        &["heroku"],
        &[],
        3.0,
        0.9,
        Check::None,
    ),
];
