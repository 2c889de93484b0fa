use miette::{miette, IntoDiagnostic, WrapErr};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to create the project in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

const SUPAFORM_HCL: &str = r#"# supaform configuration. Every *.hcl file in this directory is read; the language
# is described in docs/language.md of the supaform repository.
project {
  name          = "NAME"
  schemas       = ["public"]
  managed_roles = ["anon", "authenticated", "service_role"]
}

# The embedded local Postgres: no database_url needed.
environment "local" {}

# environment "production" {
#   database_url = env("PRODUCTION_DATABASE_URL")
#   project_ref  = "abcdefghijklmnopqrst"
#   protected    = true
# }
"#;

const GITIGNORE: &str = "# supaform\nbackups/\n*.tfplan\n.env\n";

pub fn run(args: &Args) -> miette::Result<ExitCode> {
    let dir = &args.dir;
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    let main = dir.join("supaform.hcl");
    if main.exists() {
        return Err(miette!(
            code = "supaform::init::exists",
            help = "supaform init never overwrites files; edit the existing configuration instead",
            "{} already exists",
            super::shown(&main)
        ));
    }
    let name = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "app".into());
    let name: String = name
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c == '$' || c == '%' {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut created = Vec::new();
    std::fs::write(&main, SUPAFORM_HCL.replace("NAME", &name))
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", main.display()))?;
    created.push(main);
    let gi = dir.join(".gitignore");
    if !gi.exists() {
        std::fs::write(&gi, GITIGNORE)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", gi.display()))?;
        created.push(gi);
    }
    let state = dir.join("state");
    std::fs::create_dir_all(&state).into_diagnostic()?;
    let keep = state.join(".gitkeep");
    if !keep.exists() {
        std::fs::write(&keep, "").into_diagnostic()?;
        created.push(keep);
    }
    for c in &created {
        println!("created {}", super::shown(c));
    }
    println!("\nsupaform project initialised. Next: declare tables in *.hcl files, then run `supaform validate`.");
    Ok(ExitCode::SUCCESS)
}
