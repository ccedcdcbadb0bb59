//! Brokers reached through real proxies: tinyproxy (HTTP CONNECT) and microsocks (SOCKS5), each
//! for mqtt, mqtts and wss, with and without a username and password (by reference); a proxy
//! that refuses the connection, and one that refuses our credentials, are named as the proxy's
//! failure, not the broker's; ALL_PROXY is used and NO_PROXY bypasses it.

mod common;

use std::process::Command;
use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::proxies::{ProxyProcess, microsocks, tinyproxy};
use common::{have_mosquitto, mqscope, run, stderr};

const LIMIT: Duration = Duration::from_secs(30);

/// `pub` of one QoS 1 message to `url`, with `args` (the proxy's) and, for TLS, the test CA.
fn publish(m: &Mosquitto, url: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd: Command = mqscope(home.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(["pub", "-b", url, "-t", "via/proxy", "-m", "x", "-q", "1"])
        .args(args);
    if !url.starts_with("mqtt://") {
        cmd.arg("--ca").arg(&m.certs.ca);
    }
    run(cmd, LIMIT)
}

fn urls(m: &Mosquitto) -> [String; 3] {
    [
        m.url(),
        format!("mqtts://127.0.0.1:{}", m.tls_port),
        format!("wss://127.0.0.1:{}/mqtt", m.wss_port),
    ]
}

/// Each transport through `proxy` (given as `scheme`), without and with credentials.
fn through(m: &Mosquitto, scheme: &str, open: &ProxyProcess, locked: &ProxyProcess) {
    for url in urls(m) {
        let proxy = format!("{scheme}://127.0.0.1:{}", open.port);
        let out = publish(m, &url, &["--proxy", &proxy], &[]);
        assert!(out.status.success(), "{url} via {proxy}: {}", stderr(&out));
        // The password by reference; the right one passes, a wrong one is the proxy's failure.
        let proxy = format!("{scheme}://alice@127.0.0.1:{}", locked.port);
        let args = [
            "--proxy",
            proxy.as_str(),
            "--proxy-password-env",
            "PROXY_PW",
        ];
        let out = publish(m, &url, &args, &[("PROXY_PW", "wonderland")]);
        assert!(out.status.success(), "{url} via {proxy}: {}", stderr(&out));
        let out = publish(m, &url, &args, &[("PROXY_PW", "wrong")]);
        assert_eq!(out.status.code(), Some(1), "{url}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("proxy {scheme}://127.0.0.1:{}:", locked.port))
                && (err.contains("refused our credentials")
                    || err.contains("refused the username")),
            "{url}: named as the proxy's failure: {err}"
        );
        assert!(
            !err.contains("wrong") && !err.contains("wonderland"),
            "{err}"
        );
    }
}

#[test]
fn http_connect_through_tinyproxy() {
    if !have_mosquitto("proxy_http") {
        return;
    }
    let (Some(open), Some(locked)) = (
        tinyproxy("proxy_http", None),
        tinyproxy("proxy_http", Some(("alice", "wonderland"))),
    ) else {
        return;
    };
    let m = Mosquitto::start();
    through(&m, "http", &open, &locked);
    // tinyproxy's own log shows the tunnels it opened to the broker.
    assert!(
        open.log()
            .contains(&format!("CONNECT 127.0.0.1:{}", m.port)),
        "{}",
        open.log()
    );
}

#[test]
fn socks5_through_microsocks() {
    if !have_mosquitto("proxy_socks5") {
        return;
    }
    let (Some(open), Some(locked)) = (
        microsocks("proxy_socks5", None),
        microsocks("proxy_socks5", Some(("alice", "wonderland"))),
    ) else {
        return;
    };
    let m = Mosquitto::start();
    through(&m, "socks5", &open, &locked);
}

/// A profile's `proxy` with its password by reference, through microsocks with credentials.
#[test]
fn a_profiles_proxy_is_used() {
    if !have_mosquitto("proxy_profile") {
        return;
    }
    let Some(locked) = microsocks("proxy_profile", Some(("alice", "wonderland"))) else {
        return;
    };
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let config = common::write(
        home.path(),
        "c.toml",
        format!(
            "[profiles.site]\nbroker = \"{}\"\nproxy = \"socks5://alice@127.0.0.1:{}\"\nproxy_password_env = \"PROXY_PW\"\n",
            m.url(),
            locked.port
        ),
    );
    for (pw, ok) in [("wonderland", true), ("nope", false)] {
        let mut cmd = mqscope(home.path());
        cmd.env("PROXY_PW", pw)
            .arg("pub")
            .arg("--config")
            .arg(&config)
            .args(["-P", "site", "-t", "a", "-m", "x", "-q", "1"]);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.success(), ok, "{pw}: {}", stderr(&out));
        if !ok {
            assert!(
                stderr(&out).contains("the proxy refused the username or password"),
                "{}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn a_refused_proxy_is_named_and_the_environment_is_honoured() {
    if !have_mosquitto("proxy_env") {
        return;
    }
    let Some(socks) = microsocks("proxy_env", None) else {
        return;
    };
    let m = Mosquitto::start();
    let nobody = common::free_port();
    // Nothing listens where the proxy should be: the proxy is named, not the broker.
    let dead = format!("socks5://127.0.0.1:{nobody}");
    let out = publish(&m, &m.url(), &["--proxy", &dead], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("proxy {dead}: connection refused")),
        "{}",
        stderr(&out)
    );
    // ALL_PROXY is taken when no --proxy is given…
    let out = publish(&m, &m.url(), &[], &[("ALL_PROXY", &dead)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let live = format!("socks5://127.0.0.1:{}", socks.port);
    let out = publish(&m, &m.url(), &[], &[("ALL_PROXY", &live)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // …HTTPS_PROXY beats it for TLS, and NO_PROXY names hosts that go straight.
    let tls = format!("mqtts://127.0.0.1:{}", m.tls_port);
    let out = publish(
        &m,
        &tls,
        &[],
        &[("ALL_PROXY", &dead), ("HTTPS_PROXY", &live)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = publish(
        &m,
        &m.url(),
        &[],
        &[("ALL_PROXY", &dead), ("NO_PROXY", "localhost,127.0.0.1")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // A proxy URL that is not one: a usage error, exit 2, the password never shown.
    let out = publish(
        &m,
        &m.url(),
        &["--proxy", "ftp://u:hunter2@127.0.0.1:1"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("proxy 'ftp://u:***@127.0.0.1:1'"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
}
