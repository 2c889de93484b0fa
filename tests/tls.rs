//! TLS per `sslmode`, against a real PostgreSQL server started for this test with a
//! certificate signed by a CA generated at test time (openssl), the way Supabase's direct
//! connections present a certificate signed by Supabase's own CA.

use std::path::{Path, PathBuf};
use std::process::Command;
use supaform::db::{connect, DbError};

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Run a command, as the `postgres` OS user when we are root (Postgres refuses root).
fn run(program: &Path, args: &[&str], as_postgres: bool) {
    let mut cmd = if as_postgres && is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let out = cmd.args(args).output().expect("run command");
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn openssl(args: &[&str]) {
    run(Path::new("openssl"), args, false);
}

struct Server {
    pg_ctl: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
    ca: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&self.pg_ctl);
            c
        } else {
            Command::new(&self.pg_ctl)
        };
        let _ = cmd
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_tls_server() -> Server {
    let bins = supaform::local::binaries::find_binaries().expect("PostgreSQL binaries");
    let dir = tempfile::Builder::new()
        .prefix("supaform-tls-")
        .tempdir_in("/tmp")
        .unwrap();
    let d = dir.path();
    let p = |n: &str| d.join(n).to_string_lossy().to_string();
    // A CA, and a server certificate for `localhost` signed by it.
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=supaform test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout",
        &p("ca.key"),
        "-out",
        &p("ca.pem"),
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &p("server.key"),
        "-out",
        &p("server.csr"),
    ]);
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        &p("server.csr"),
        "-CA",
        &p("ca.pem"),
        "-CAkey",
        &p("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &p("ext.cnf"),
        "-out",
        &p("server.crt"),
    ]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    if is_root() {
        run(Path::new("chown"), &["-R", "postgres", &p("")], false);
    }
    let data = d.join("data");
    run(
        &bins.initdb,
        &[
            "-D",
            &p("data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        true,
    );
    let port = free_port();
    let pg_ctl = bins.bin_dir.join("pg_ctl");
    let opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
        p(""),
        p("server.crt"),
        p("server.key")
    );
    run(
        &pg_ctl,
        &[
            "-D",
            &p("data"),
            "-o",
            &opts,
            "-l",
            &p("log"),
            "-w",
            "start",
        ],
        true,
    );
    Server {
        pg_ctl,
        data,
        port,
        ca: d.join("ca.pem"),
        _dir: dir,
    }
}

async fn uses_tls(url: &str) -> Result<bool, DbError> {
    let client = connect(url).await?;
    let rows = client
        .simple_query("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .await
        .expect("query");
    Ok(rows.iter().any(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0) == Some("true"),
        _ => false,
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sslmode_behaves_like_libpq() {
    let s = start_tls_server();
    let ca = s.ca.display().to_string();
    let url = |host: &str, query: &str| {
        format!(
            "postgresql://postgres:pw@{host}:{}/postgres?{query}",
            s.port
        )
    };

    assert!(!uses_tls(&url("127.0.0.1", "sslmode=disable"))
        .await
        .unwrap());
    assert!(uses_tls(&url("127.0.0.1", "sslmode=prefer")).await.unwrap());
    assert!(
        uses_tls(&url("127.0.0.1", "")).await.unwrap(),
        "prefer is the default"
    );
    // require: encrypted, the self-signed chain is not checked (as libpq does).
    assert!(uses_tls(&url("127.0.0.1", "sslmode=require"))
        .await
        .unwrap());

    // verify-full: the CA file and the host name both must match.
    let full = format!("sslmode=verify-full&sslrootcert={ca}");
    assert!(uses_tls(&url("localhost", &full)).await.unwrap());
    let wrong_host = uses_tls(&url("127.0.0.1", &full)).await.unwrap_err();
    assert!(matches!(wrong_host, DbError::Tls { .. }), "{wrong_host:?}");
    // verify-ca: the chain is checked, the host name is not.
    let ca_only = format!("sslmode=verify-ca&sslrootcert={ca}");
    assert!(uses_tls(&url("127.0.0.1", &ca_only)).await.unwrap());
    // Without sslrootcert the public web roots are used, which do not know this CA.
    let untrusted = uses_tls(&url("localhost", "sslmode=verify-full"))
        .await
        .unwrap_err();
    assert!(matches!(untrusted, DbError::Tls { .. }), "{untrusted:?}");
    let msg = untrusted.to_string();
    assert!(!msg.contains(":pw@"), "{msg}");

    // A missing root certificate file is its own clear error.
    let missing = uses_tls(&url(
        "localhost",
        "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
    ))
    .await
    .unwrap_err();
    assert!(matches!(missing, DbError::RootCert { .. }), "{missing:?}");
}
