//! Errors of the functions module. None of them ever holds the access token or a secret
//! value: messages built from a response body go through the client's redaction first.

use miette::Diagnostic;
use thiserror::Error;

const TOKEN_HELP: &str =
    "create a personal access token at https://supabase.com/dashboard/account/tokens \
(with access to this project's organisation) and set it in SUPABASE_ACCESS_TOKEN";

#[derive(Debug, Error, Diagnostic)]
pub enum FunctionsError {
    #[error("SUPABASE_ACCESS_TOKEN is not set; the Management API needs it to deploy Edge Functions and secrets")]
    #[diagnostic(code(supaform::functions::no_token), help("{}", TOKEN_HELP))]
    MissingToken,

    #[error("SUPABASE_ACCESS_TOKEN holds characters an HTTP header cannot carry")]
    #[diagnostic(code(supaform::functions::invalid_token), help("{}", TOKEN_HELP))]
    InvalidToken,

    #[error("environment `{environment}` has no project_ref; Edge Functions and secrets need one")]
    #[diagnostic(
        code(supaform::functions::no_project_ref),
        help("set project_ref = \"<20-letter ref>\" in the environment block (Dashboard → Project Settings → General), or functions_dir for self-hosted Supabase")
    )]
    MissingProjectRef { environment: String },

    #[error("`{value}` is not a valid Management API base URL: {reason}")]
    #[diagnostic(
        code(supaform::functions::bad_api_url),
        help("SUPABASE_API_URL must be an http(s) URL such as https://api.supabase.com")
    )]
    BadApiUrl { value: String, reason: String },

    #[error("the Management API refused the access token ({status} {reason})")]
    #[diagnostic(code(supaform::functions::unauthorized), help("{}", TOKEN_HELP))]
    Unauthorized { status: u16, reason: String },

    #[error("the Management API refused to deploy `{slug}`: the project's plan allows no more Edge Functions (402)")]
    #[diagnostic(
        code(supaform::functions::plan_limit),
        help("delete functions you no longer need, or upgrade the organisation's plan")
    )]
    PlanLimit { slug: String },

    #[error("project `{project_ref}` was not found by the Management API (404)")]
    #[diagnostic(
        code(supaform::functions::project_not_found),
        help("check the environment's project_ref (Dashboard → Project Settings → General) and that the token's account can see that project")
    )]
    ProjectNotFound { project_ref: String },

    #[error(
        "the Management API kept answering 429 (rate limited) to {what}, after {attempts} attempts"
    )]
    #[diagnostic(
        code(supaform::functions::rate_limited),
        help("the API allows about 120 requests a minute per token; wait a minute and run again, and make sure no other tool uses the same token heavily")
    )]
    RateLimited { what: String, attempts: u32 },

    #[error(
        "the Management API failed with {status} to {what}, after {attempts} attempts: {message}"
    )]
    #[diagnostic(
        code(supaform::functions::server_error),
        help("this is on Supabase's side; check https://status.supabase.com and run again (a deploy is safe to repeat)")
    )]
    Server {
        what: String,
        status: u16,
        attempts: u32,
        message: String,
    },

    #[error(
        "the Management API did not answer {what} within {seconds}s, after {attempts} attempts"
    )]
    #[diagnostic(
        code(supaform::functions::timeout),
        help("check the network (or SUPABASE_API_URL) and run again")
    )]
    Timeout {
        what: String,
        seconds: u64,
        attempts: u32,
    },

    #[error("could not reach the Management API to {what}: {reason}")]
    #[diagnostic(
        code(supaform::functions::connect),
        help("check the network, a proxy, or SUPABASE_API_URL")
    )]
    Connect { what: String, reason: String },

    #[error("the Management API answered {status} to {what}: {message}")]
    #[diagnostic(code(supaform::functions::rejected))]
    Rejected {
        what: String,
        status: u16,
        message: String,
    },

    #[error("the Management API's answer to {what} could not be read: {reason}")]
    #[diagnostic(code(supaform::functions::bad_response))]
    BadResponse { what: String, reason: String },

    #[error("could not read the Edge Function source `{path}`: {source}")]
    #[diagnostic(
        code(supaform::functions::unreadable_source),
        help("the path is relative to the config directory; check that it exists and is readable")
    )]
    ReadSource {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("Edge Function `{slug}` has no files to deploy in `{source_dir}`")]
    #[diagnostic(
        code(supaform::functions::empty_source),
        help("the source directory must hold at least the entrypoint")
    )]
    EmptySource { slug: String, source_dir: String },

    #[error("`{slug}` cannot be an Edge Function slug")]
    #[diagnostic(
        code(supaform::functions::invalid_slug),
        help("a slug starts with a letter and holds letters, digits, - and _")
    )]
    InvalidSlug { slug: String },

    #[error("`{name}` cannot be a secret name")]
    #[diagnostic(
        code(supaform::functions::invalid_secret_name),
        help("secret names are environment variable names (letters, digits and _, not starting with a digit); names starting with SUPABASE_ are reserved by Supabase")
    )]
    InvalidSecretName { name: String },

    #[error("could not write `{path}` in the functions directory: {source}")]
    #[diagnostic(
        code(supaform::functions::directory_write),
        help("check that the functions directory exists and is writable (self-hosted Supabase: the volume mounted at /home/deno/functions)")
    )]
    DirectoryWrite {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("could not read `{path}` in the functions directory: {reason}")]
    #[diagnostic(code(supaform::functions::directory_read))]
    DirectoryRead { path: String, reason: String },

    #[error("internal error in the functions module: {reason}")]
    #[diagnostic(code(supaform::functions::internal))]
    Internal { reason: String },
}
