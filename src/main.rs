//! `securetag-edge`: the command line. Each subcommand is a thin shell over the library.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use securetag_edge::config::{self, Config};
use securetag_edge::sast::lang::Lang;
use securetag_edge::scan::Scanner;
use securetag_edge::store::postgres::PgStore;

#[derive(Parser)]
#[command(
    name = "securetag-edge",
    version,
    about = "Edge proxy and AI security gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the proxy.
    Run {
        #[arg(short, long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// Take over the listening sockets of a running instance (graceful upgrade).
        #[arg(long)]
        upgrade: bool,
    },
    /// Validate the configuration like `nginx -t`: every problem as FILE:LINE: key: what.
    Check {
        #[arg(short, long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
    },
    /// Scan UTF-8 text on stdin for PII, secrets and prompt injection; print JSON.
    Scan {
        /// Read `{"id":..,"text":..}` per line and print one result per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// Scan a Markdown answer or a source file for vulnerable code; print JSON findings.
    Sast {
        /// A file (its extension names the language; `.md` or fences mean Markdown), or `-`.
        file: Option<PathBuf>,
        /// Read the input as this language (python, js, go, …) instead of telling it from
        /// the name and content: for snippets on stdin.
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
    /// Apply database migrations (ai.database_url, or DATABASE_URL).
    Migrate {
        #[arg(short, long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Manage tenants in the production store.
    Tenant {
        #[command(subcommand)]
        action: TenantAction,
        #[arg(long, env = "DATABASE_URL", global = true)]
        database_url: Option<String>,
    },
    /// Manage API keys in the production store.
    Key {
        #[command(subcommand)]
        action: KeyAction,
        #[arg(long, env = "DATABASE_URL", global = true)]
        database_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum TenantAction {
    /// Create a tenant (gateway enabled unless --disabled).
    Create {
        name: String,
        #[arg(long, default_value_t = 0.0)]
        credits: f64,
        #[arg(long)]
        disabled: bool,
    },
    /// List tenants with balance and key count.
    List,
}

#[derive(Subcommand)]
enum KeyAction {
    /// Create a key; it is printed once and only its hash is stored.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        rpm: Option<u32>,
    },
    /// Revoke a key (by id, display prefix, or the key itself) now.
    Revoke { key: String },
    /// Issue a new key; the old one stays valid for the grace period (at most 30 days).
    Rotate {
        key: String,
        #[arg(long, default_value = "24h")]
        grace: String,
    },
    /// Print the SHA-256 of a key read from stdin, for `key_sha256` in the embedded config.
    Hash,
    /// Set (from stdin) or clear this key's own provider key (BYOK), sealed with the system
    /// secret; the key never appears on the command line.
    Byok {
        key: String,
        /// The provider's name in `ai.providers`.
        #[arg(long)]
        provider: String,
        /// Remove the key's own key for the provider; its requests use the default again.
        #[arg(long)]
        clear: bool,
        /// The proxy's `ai.system_secret`; needed to seal.
        #[arg(long, env = "SECURETAG_SYSTEM_SECRET", hide_env_values = true)]
        system_secret: Option<String>,
        /// The proxy's configuration, to refuse a provider name it does not have (a typo
        /// would store a key no request ever uses).
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
}

/// Keeps the proxy's heap on 4 KiB pages. The kernel may back allocator arenas with 2 MiB
/// transparent huge pages, and then a few live buffers pin a whole 2 MiB: in one of two
/// otherwise equal 512-connection runs, 16 MiB of a 58 MiB RSS were huge pages (with them
/// off: 48 MiB). A proxy's allocations are small and short-lived, so it gains no TLB benefit
/// worth that. Needs no privilege; a failure only costs memory.
fn opt_out_of_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag on this process.
        let rc = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        if rc != 0 {
            let e = std::io::Error::last_os_error();
            tracing::debug!(error = %e, "could not disable transparent huge pages");
        }
    }
}

/// `SECURETAG_LOG`, which overrides `logging.level`: unset or blank is no override, and a
/// value that would switch logging off by a slip is refused like the key.
fn log_override() -> Result<Option<String>, String> {
    let Some(v) = std::env::var_os("SECURETAG_LOG") else {
        return Ok(None);
    };
    let v = v
        .into_string()
        .map_err(|_| "SECURETAG_LOG: not UTF-8".to_string())?;
    if v.trim().is_empty() {
        return Ok(None);
    }
    match securetag_edge::config::log_filter_problem(&v) {
        Some(problem) => Err(format!("SECURETAG_LOG: {problem}")),
        None => Ok(Some(v)),
    }
}

/// The longest a rotated key stays valid beside its successor.
const MAX_GRACE: Duration = Duration::from_secs(30 * 24 * 3600);

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Refuses `provider` when the configuration at `path` has no such provider; without a
/// configuration, says that the name was not checked.
fn check_provider(path: Option<&std::path::Path>, provider: &str) -> Result<(), String> {
    let Some(path) = path else {
        eprintln!("note: provider name {provider:?} not checked; pass -c FILE to check it against ai.providers");
        return Ok(());
    };
    let cfg = Config::load(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let names: Vec<&str> = cfg
        .ai
        .as_ref()
        .map(|ai| ai.providers.iter().map(|p| p.name.as_str()).collect())
        .unwrap_or_default();
    if names.contains(&provider) {
        return Ok(());
    }
    Err(format!(
        "{}: ai.providers has no provider {provider:?} (it has: {})",
        path.display(),
        names.join(", ")
    ))
}

/// The provider key read from stdin, sealed for storage under `system_secret`.
fn seal_provider_key(system_secret: Option<&str>) -> Result<String, String> {
    let secret = system_secret
        .filter(|s| !s.is_empty())
        .ok_or("the system secret is needed to seal the key: set SECURETAG_SYSTEM_SECRET or --system-secret to the proxy's ai.system_secret")?;
    let ring = securetag_edge::crypto::Keyring::new(secret.as_bytes())
        .map_err(|e| format!("system secret: {e}"))?;
    let key = key_from_stdin()?;
    if key.is_empty() {
        return Err("no provider key on stdin".into());
    }
    Ok(ring.seal(securetag_edge::crypto::Purpose::ProviderKey, key.as_bytes()))
}

/// A key on stdin, without the surrounding whitespace a shell or file adds.
fn key_from_stdin() -> Result<String, String> {
    let mut key = String::new();
    std::io::stdin()
        .read_to_string(&mut key)
        .map_err(|e| format!("cannot read the key from stdin: {e}"))?;
    Ok(key.trim().to_string())
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("securetag-edge: {msg}");
    ExitCode::from(1)
}

/// Writes a command's result to stdout. A reader that stopped reading (`… | head`) ends the
/// command quietly, as ripgrep does; `println!` would panic with a backtrace.
fn emit(result: impl std::fmt::Display) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{result}").and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            fail(format!("cannot write stdout: {e}"))
        }
        _ => ExitCode::SUCCESS,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime can be built")
}

/// The database for operator commands (the flag or env, else the config file's), with the
/// runtime it lives on: the pool spawns its maintenance task when it is created.
fn database(
    url: Option<String>,
    config: Option<&PathBuf>,
) -> Result<(tokio::runtime::Runtime, PgStore), String> {
    let url = match url {
        Some(u) => u,
        None => {
            let path = config
                .cloned()
                .unwrap_or_else(|| PathBuf::from(config::DEFAULT_PATH));
            let cfg = Config::load(&path).map_err(|e| e.to_string())?;
            cfg.ai
                .as_ref()
                .and_then(|a| a.database_url.as_ref())
                .map(|u| u.expose().to_owned())
                .ok_or("no database: set DATABASE_URL or ai.database_url")?
        }
    };
    let rt = runtime();
    let store = {
        let _inside = rt.enter();
        PgStore::connect_lazy(&url, 2).map_err(|e| e.to_string())?
    };
    Ok((rt, store))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { config } => match log_override().map(|_| Config::load(&config)) {
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
            Ok(Ok(cfg)) => {
                for w in cfg.warnings() {
                    eprintln!("{}: warning: {w}", config.display());
                }
                println!("{}: configuration ok", config.display());
                ExitCode::SUCCESS
            }
            Ok(Err(errors)) => {
                eprintln!("{errors}");
                eprintln!(
                    "{}: configuration has {} error(s)",
                    config.display(),
                    errors.0.len()
                );
                ExitCode::from(1)
            }
        },
        Command::Run { config, upgrade } => {
            // Until the signal loop listens, SIGHUP's default would end the process, and
            // systemd counts that as a clean exit (no restart): a reload sent right after
            // a start is dropped instead. The loop installs its own handler.
            // SAFETY: setting a signal's disposition to SIG_IGN, before any thread starts.
            unsafe {
                libc::signal(libc::SIGHUP, libc::SIG_IGN);
            }
            let cfg = match Config::load(&config) {
                Ok(c) => c,
                Err(errors) => {
                    eprintln!("{errors}");
                    return ExitCode::from(1);
                }
            };
            let filter = match log_override() {
                Ok(f) => f.unwrap_or_else(|| cfg.logging.level.clone()),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(1);
                }
            };
            init_logging(&filter);
            for w in cfg.skipped_jwks_keys() {
                tracing::warn!("{w}");
            }
            opt_out_of_huge_pages();
            match securetag_edge::edge::server::run(cfg, upgrade, Vec::new()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!(error = %e, "securetag-edge failed to start");
                    fail(format!("{e:#}"))
                }
            }
        }
        Command::Scan { jsonl } => {
            let scanner = match Scanner::builtin() {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            if jsonl {
                let stdin = std::io::stdin();
                let stdout = std::io::stdout();
                return match securetag_edge::scan::cli::run_jsonl(
                    &scanner,
                    stdin.lock(),
                    stdout.lock(),
                ) {
                    // Each bad line was answered in-band with its id, so the run succeeded;
                    // the count goes to stderr for whoever watches the batch.
                    Ok(summary) => {
                        if summary.errors > 0 {
                            eprintln!(
                                "scan --jsonl: {} of {} lines answered with an error object",
                                summary.errors, summary.lines
                            );
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                    Err(e) => fail(e),
                };
            }
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                return fail(format!("cannot read stdin: {e}"));
            }
            let Ok(text) = String::from_utf8(bytes) else {
                return fail("stdin is not valid UTF-8");
            };
            emit(securetag_edge::scan::cli::run_text(&scanner, &text))
        }
        Command::Sast { file, lang } => {
            let lang = match lang.as_deref().map(|l| (l, Lang::from_info(l))) {
                None => None,
                Some((_, Some(lang))) => Some(lang),
                Some((l, None)) => {
                    let known: Vec<&str> = Lang::ALL.iter().map(|l| l.name()).collect();
                    return fail(format!(
                        "--lang {l:?} is not a language the SAST engine reads (it reads: {})",
                        known.join(", ")
                    ));
                }
            };
            let (name, text) = match file.as_deref().filter(|f| f.as_os_str() != "-") {
                Some(path) => match std::fs::read(path) {
                    Ok(b) => (Some(path.display().to_string()), b),
                    Err(e) => return fail(format!("cannot read {}: {e}", path.display())),
                },
                None => {
                    let mut b = Vec::new();
                    if let Err(e) = std::io::stdin().read_to_end(&mut b) {
                        return fail(format!("cannot read stdin: {e}"));
                    }
                    (None, b)
                }
            };
            // Source files in Latin-1 and the like are still code to scan: an invalid byte
            // reads as U+FFFD, which keeps every line where it was.
            let text = match String::from_utf8(text) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "warning: the input is not valid UTF-8; invalid bytes are read as U+FFFD"
                    );
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            };
            let engine = match securetag_edge::sast::Engine::new(&[]) {
                Ok(e) => e,
                Err(errs) => {
                    return fail(
                        errs.iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                }
            };
            let secrets = match Scanner::builtin() {
                Ok(s) => securetag_edge::sast::pool::ScanSecrets(std::sync::Arc::new(s)),
                Err(e) => return fail(e),
            };
            emit(match lang {
                Some(lang) => {
                    securetag_edge::sast::cli::run_as(&engine, lang, &text, Some(&secrets))
                }
                None => securetag_edge::sast::cli::run_with_secrets(
                    &engine,
                    name.as_deref(),
                    &text,
                    Some(&secrets),
                ),
            })
        }
        Command::Migrate {
            config,
            database_url,
        } => {
            let (rt, store) = match database(database_url, Some(&config)) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match rt.block_on(store.migrate()) {
                Ok(()) => {
                    println!("migrations applied");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Tenant {
            action,
            database_url,
        } => {
            let (rt, store) = match database(database_url, None) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match action {
                TenantAction::Create {
                    name,
                    credits,
                    disabled,
                } => {
                    let Some(cents) = securetag_edge::shield::settings::to_cents(credits) else {
                        return fail(
                            "credits must be a non-negative amount with at most two decimals",
                        );
                    };
                    match rt.block_on(store.create_tenant(&name, cents, disabled)) {
                        Ok(id) => {
                            println!("{id}");
                            ExitCode::SUCCESS
                        }
                        Err(e) => fail(e),
                    }
                }
                TenantAction::List => match rt.block_on(store.list_tenants()) {
                    Ok(rows) => {
                        println!(
                            "{:<36}  {:<24}  {:>12}  {:<8}  keys",
                            "id", "name", "credits", "gateway"
                        );
                        for r in rows {
                            println!(
                                "{:<36}  {:<24}  {:>12.2}  {:<8}  {}",
                                r.id,
                                r.name,
                                r.credits_cents as f64 / 100.0,
                                if r.enabled { "on" } else { "off" },
                                r.keys
                            );
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e),
                },
            }
        }
        Command::Key {
            action,
            database_url,
        } => {
            if let KeyAction::Hash = action {
                let key = match key_from_stdin() {
                    Ok(k) => k,
                    Err(e) => return fail(e),
                };
                // An empty variable piped in would give a hash that opens nothing,
                // silently. A short key is hashed (a migrated client's), and told.
                if key.is_empty() {
                    return fail("no key on stdin");
                }
                if key.len() < 16 {
                    eprintln!(
                        "note: the key is shorter than 16 bytes; keys this edge generates are 46"
                    );
                }
                return emit(securetag_edge::crypto::sha256_hex(key.as_bytes()));
            }
            // `key byok -c FILE` names the configuration, which holds the database too.
            let config = match &action {
                KeyAction::Byok { config, .. } => config.clone(),
                _ => None,
            };
            let (rt, store) = match database(database_url, config.as_ref()) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let print_new = |k: securetag_edge::store::admin::NewKey| {
                println!("{}", k.key);
                eprintln!(
                    "key id {} ({}); store this key now, it is not shown again",
                    k.id, k.prefix
                );
                ExitCode::SUCCESS
            };
            match action {
                KeyAction::Create { tenant, rpm } => {
                    match rt.block_on(store.create_key(&tenant, rpm)) {
                        Ok(k) => print_new(k),
                        Err(e) => fail(e),
                    }
                }
                KeyAction::Revoke { key } => match rt.block_on(store.revoke_key(&key)) {
                    Ok(0) => fail(format!(
                        "no active key {}",
                        securetag_edge::store::admin::named(&key)
                    )),
                    Ok(_) => {
                        println!("revoked");
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e),
                },
                KeyAction::Rotate { key, grace } => {
                    // A bare `24` would be 24 seconds, the old key's end a surprise; and a
                    // grace with no bound is a second key nobody lists.
                    if grace.trim().parse::<f64>().is_ok() {
                        return fail(format!(
                            "--grace {grace:?} needs a unit, e.g. \"24h\" or \"30m\""
                        ));
                    }
                    let grace = match config::units::parse_duration(&grace) {
                        Ok(g) if g <= MAX_GRACE => g,
                        Ok(_) => {
                            return fail(format!(
                                "--grace {grace:?} is longer than the 30 days a rotated key may \
                                 stay valid; revoke it later by hand if more is needed"
                            ))
                        }
                        Err(e) => return fail(e),
                    };
                    match rt.block_on(store.rotate_key(&key, grace.max(Duration::ZERO))) {
                        Ok(k) => print_new(k),
                        Err(e) => fail(e),
                    }
                }
                KeyAction::Byok {
                    key,
                    provider,
                    clear,
                    system_secret,
                    config,
                } => {
                    // Clearing needs no check: the provider may be gone from the file.
                    let sealed = if clear {
                        None
                    } else {
                        let checked = check_provider(config.as_deref(), &provider);
                        match checked.and_then(|()| seal_provider_key(system_secret.as_deref())) {
                            Ok(s) => Some(s),
                            Err(e) => return fail(e),
                        }
                    };
                    let done =
                        rt.block_on(store.set_provider_key(&key, &provider, sealed.as_deref()));
                    match done {
                        Ok(()) if clear => {
                            println!("cleared; {provider} uses its default key for this key");
                            ExitCode::SUCCESS
                        }
                        Ok(()) => {
                            println!("set; requests with this key to {provider} use it");
                            ExitCode::SUCCESS
                        }
                        Err(e) => fail(e),
                    }
                }
                KeyAction::Hash => ExitCode::SUCCESS,
            }
        }
    }
}
