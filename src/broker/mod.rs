//! The embedded broker behind `mqscope broker` and `mqscope --demo`: the `mqtt5` crate's broker
//! (MQTT 3.1.1 and 5 on one port, WebSocket, retained messages, QoS 0/1/2), in memory, bound to
//! 127.0.0.1. Wrapped in this one type so it can be swapped for another implementation.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, Result};
use mqtt5::broker::config::{BrokerConfig, StorageBackend, StorageConfig, WebSocketConfig};
use mqtt5::broker::server::{BrokerShutdownHandle, MqttBroker};
use tokio::task::JoinHandle;

pub struct EmbeddedBroker {
    addr: SocketAddr,
    ws_addr: Option<SocketAddr>,
    shutdown: BrokerShutdownHandle,
    task: JoinHandle<()>,
}

/// The Receive Maximum the broker announces (see `start`).
pub const RECEIVE_MAXIMUM: u16 = 1024;

impl EmbeddedBroker {
    /// Starts listening on 127.0.0.1:`port` (0 picks a free port), and WebSocket on `ws_port`
    /// when given (path `/mqtt`). Returns once the listeners are bound.
    pub async fn start(port: u16, ws_port: Option<u16>) -> Result<EmbeddedBroker> {
        let loopback = |p| SocketAddr::from((Ipv4Addr::LOCALHOST, p));
        let mut config = BrokerConfig::default()
            .with_bind_address(loopback(port))
            .with_sys_topics_enabled(false)
            // The largest packet MQTT can express; the crate's default is one more, which
            // paho-mqtt (MQTT 5) rejects in CONNACK and then cannot connect at all.
            .with_max_packet_size(268_435_455)
            // Announced in CONNACK, so an MQTT 5 client waits for acks past it: without one, a
            // client that sent 65,536 QoS 1 messages without reading its PUBACKs filled the
            // socket both ways and the connection hung. mosquitto announces 20; 1,024 keeps a
            // flood fast and its acks (5 bytes each) well inside one socket buffer.
            .with_server_receive_maximum(RECEIVE_MAXIMUM)
            .with_storage(
                StorageConfig::new()
                    .with_backend(StorageBackend::Memory)
                    .with_cleanup_interval(Duration::from_secs(3600)),
            );
        if let Some(ws) = ws_port {
            config = config.with_websocket(
                WebSocketConfig::new()
                    .with_bind_addresses(vec![loopback(ws)])
                    .with_path("/mqtt"),
            );
        }
        let mut broker = MqttBroker::with_config(config).await.map_err(|e| {
            // The crate's message spans lines and suggests lsof; one line names the problem.
            let text = e.to_string();
            let why = if text.contains("already in use") {
                "the port is in use".to_string()
            } else {
                text.lines().next().unwrap_or("").to_string()
            };
            anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {why}")
        })?;
        let addr = broker
            .local_addr()
            .context("embedded broker: no listening address")?;
        let ws_addr = broker.ws_local_addr();
        // The crate runs on without WebSocket when its port is taken, saying so only in a log:
        // a port that was asked for and not bound is an error here.
        if let Some(ws) = ws_port
            && ws_addr.is_none()
        {
            anyhow::bail!(
                "cannot listen for WebSocket on 127.0.0.1:{ws}: the port is in use or not allowed"
            );
        }
        let shutdown = broker.shutdown_handle();
        let mut ready = broker.ready_receiver();
        let task = tokio::spawn(async move {
            if let Err(e) = broker.run().await {
                tracing::error!("embedded broker stopped: {e}");
            }
        });
        // Wait until it accepts connections, so callers can connect at once.
        let _ = tokio::time::timeout(Duration::from_secs(5), ready.wait_for(|r| *r)).await;
        Ok(EmbeddedBroker {
            addr,
            ws_addr,
            shutdown,
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn mqtt_url(&self) -> String {
        format!("mqtt://{}", self.addr)
    }

    pub fn ws_url(&self) -> Option<String> {
        self.ws_addr.map(|a| format!("ws://{a}/mqtt"))
    }

    /// Stops accepting, closes connections and waits for the broker task to end.
    pub async fn stop(self) {
        self.shutdown.shutdown();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}
