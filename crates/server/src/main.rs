//! The `renda` binary.

use clap::{Parser, Subcommand};

/// jemalloc, whose background thread gives freed memory back to the
/// system within a second (`.cargo/config.toml`); glibc's allocator kept
/// each thread's freed memory in that thread's arena, which left an idle
/// server holding what its start-up and first sign-ins had used (issue 22,
/// bench/README.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "renda",
    version,
    about = "The open API back end of a local People's Congress"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document the server serves.
    Openapi,
    /// Load a realistic demo data set into a fresh database.
    Demo,
    /// Audit trail maintenance.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Count the handling figures and the dashboard's figures afresh from
    /// the suggestions on record (after rows were written past renda, or
    /// by an earlier version still running after an upgrade).
    Recount,
    /// Account maintenance by whoever runs the server.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Lift every sign-in lock of an account (an administrator locked out
    /// with no other administrator to help).
    Unlock {
        /// The account's username.
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every entry's seal and the chain, against the checkpoints in
    /// `<RENDA_DATA_DIR>/audit-checkpoints` and any given; changes nothing.
    Verify {
        /// A checkpoint line kept elsewhere (`renda-audit-checkpoint
        /// seq=… chain=… at=… mac=…`), from the log or the audit
        /// administrator's records; may be repeated.
        #[arg(long = "checkpoint")]
        checkpoints: Vec<String>,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("renda: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    if let Some(Command::Openapi) = cli.command {
        print!("{}", renda_http::openapi_json());
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let config = renda::Config::from_env()?;
    renda::init_tracing(config.log_json);
    match cli.command {
        None | Some(Command::Serve) => {
            // The HTTP server runs on actix's own runtime.
            tokio::task::spawn_blocking(move || {
                actix_web::rt::System::new().block_on(renda::serve(config))
            })
            .await??;
        }
        Some(Command::Demo) => {
            let store = renda::open_store(&config.database_url, &config.crypto()?)
                .await?
                .with_numbering(config.numbering.clone());
            renda::print_first_passwords(
                &renda::bootstrap_admins(&store, &renda::first_accounts(&config)).await?,
            );
            let today = renda_domain::time::Clock::today(&renda_domain::time::SystemClock);
            println!("renda: {}", renda::demo::load(&store, today).await?);
        }
        Some(Command::Migrate) => {
            renda::open_store(&config.database_url, &config.crypto()?).await?;
            println!("renda: migrations applied");
        }
        Some(Command::Recount) => {
            let store = renda::open_store(&config.database_url, &config.crypto()?).await?;
            store.recount_suggestion_counts().await?;
            println!("renda: the suggestion figures are counted afresh");
        }
        Some(Command::Audit {
            command: AuditCommand::Verify { checkpoints },
        }) => {
            let store = renda::open_store(&config.database_url, &config.crypto()?).await?;
            let mut known = renda::read_checkpoints(&config.data_dir)?;
            for c in &checkpoints {
                known.push(
                    renda_persistence::audit::Checkpoint::parse(c)
                        .ok_or_else(|| anyhow::anyhow!("not a checkpoint: {c}"))?,
                );
            }
            let report = store.verify_audit(&known).await?;
            println!("sealed entries checked: {}", report.sealed);
            println!("unsealed entries checked: {}", report.unsealed);
            println!("checkpoints matched: {}", report.checkpoints);
            if let Some(problem) = report.problem {
                println!("TAMPERING DETECTED: {problem}");
                return Ok(std::process::ExitCode::from(2));
            }
            println!("the audit chain is intact");
        }
        Some(Command::Users {
            command: UsersCommand::Unlock { username },
        }) => {
            let store = renda::open_store(&config.database_url, &config.crypto()?).await?;
            if !renda::unlock_account(&store, &username).await? {
                println!("renda: no account named {username}");
                return Ok(std::process::ExitCode::from(2));
            }
            println!("renda: {username} can sign in again");
        }
        Some(Command::Openapi) => {}
    }
    Ok(std::process::ExitCode::SUCCESS)
}
