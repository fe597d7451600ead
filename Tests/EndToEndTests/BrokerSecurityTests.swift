import Foundation
import Modbus
import Mosquitto
import TestSupport
import Testing

/// The agent against a hardened mosquitto: TLS with client certificates, a wrong CA, a wrong host name, user
/// name and password from a private file, and an ACL confining it to `<prefix>/<gateway>/#`.

struct BrokerSecurityTests {
    static func tlsListener(_ pki: TestCertificates, cert: String? = nil) -> (Int) -> String {
        { port in """
            listener \(port) 127.0.0.1
            cafile \(pki.caFile)
            certfile \(cert ?? pki.serverCertFile)
            keyfile \(pki.serverKeyFile)
            require_certificate true
            use_identity_as_username true
            tls_version tlsv1.2
            allow_anonymous false
            """
        }
    }

    static func board(gateway: String, mqtt: String, plcPort: Int, extraChannel: String = "") -> String {
        """
        gateway: \(gateway)
        mqtt:
        \(mqtt)
        summary_interval: 500ms
        devices:
          - id: plc
            tcp: 127.0.0.1:\(plcPort)
            unit: 1
            poll_interval: 100ms
            timeout: 500ms
            channels:
              - {id: level, table: holding, address: 0, type: int16}
        \(extraChannel)
        """
    }

    static func server() throws -> ModbusServer {
        let server = try ModbusServer(units: [1])
        server.withRegisters { $0[1]!.set(.holding, address: 0, [42]) }
        server.start()
        return server
    }

    /// A PKI, a TLS broker requiring client certificates, a PLC, and a subscriber on the gateway's tree.
    static func tlsSetup(_ stem: String) throws
        -> (TestCertificates, TestBroker, ModbusServer, TestSubscriber, String)
    {
        let pki = try TestCertificates()
        let broker = try TestBroker(listener: Self.tlsListener(pki))
        let server = try Self.server()
        let gateway = uniqueGateway(stem)
        let subscriber = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#") { options in
            options.tls = TLSOptions(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile)
        }
        return (pki, broker, server, subscriber, gateway)
    }

    @Test func mutualTLSDeliversSummaries() throws {
        let (pki, broker, server, subscriber, gateway) = try Self.tlsSetup("tls")
        defer { server.stop() }
        let agent = try AgentProcess(board: Self.board(gateway: gateway, mqtt: """
              url: mqtts://127.0.0.1:\(broker.port)
              tls: {ca_file: \(pki.caFile), cert_file: \(pki.clientCertFile), key_file: \(pki.clientKeyFile)}
            """, plcPort: server.port))
        let summary = subscriber.waitFor("otsentry/\(gateway)/plc/summary") {
            (jsonChannels($0)?["level"]?["last"] as? Double) == 42
        }
        #expect(summary != nil, "no summary over TLS; agent log:\n\(agent.log)\nbroker log:\n\(broker.log)")
        #expect(agent.log.contains("connected to broker"))
        // The broker took the client certificate's CN as the user name: the certificate was presented.
        #expect(broker.log.contains("as otsentry-\(gateway) (p2, c1, k30, u'otsentry-agent')"),
                "broker log:\n\(broker.log)")
    }

    @Test func wrongCAFailsNamingTheCauseAndKeepsRetrying() throws {
        let (pki, broker, server, subscriber, gateway) = try Self.tlsSetup("tls-wrong-ca")
        defer { server.stop() }
        let agent = try AgentProcess(board: Self.board(gateway: gateway, mqtt: """
              url: mqtts://127.0.0.1:\(broker.port)
              tls: {ca_file: \(pki.otherCAFile), cert_file: \(pki.clientCertFile), key_file: \(pki.clientKeyFile)}
            """, plcPort: server.port))
        #expect(waitUntil(seconds: 10) { agent.log.contains("cause=\"certificate verify failed\"") },
                "agent log:\n\(agent.log)")
        // Backoff 0.5 s, 1 s, 2 s...: at least three attempts reach the broker within 6 s, none gets a session.
        #expect(waitUntil(seconds: 10) { broker.log.components(separatedBy: "New connection from").count - 1 >= 3 },
                "broker log:\n\(broker.log)")
        #expect(agent.child.isRunning)
        #expect(!agent.log.contains("connected to broker"))
        #expect(subscriber.messages.isEmpty, "the agent's data reached the broker: \(subscriber.messages.map(\.topic))")
    }

    @Test func hostNameMismatchFailsNamingTheCause() throws {
        let pki = try TestCertificates()
        let broker = try TestBroker(listener: Self.tlsListener(pki, cert: pki.wrongNameCertFile))
        let server = try Self.server()
        defer { server.stop() }
        let agent = try AgentProcess(board: Self.board(gateway: uniqueGateway("tls-name"), mqtt: """
              url: mqtts://127.0.0.1:\(broker.port)
              tls: {ca_file: \(pki.caFile), cert_file: \(pki.clientCertFile), key_file: \(pki.clientKeyFile)}
            """, plcPort: server.port))
        #expect(waitUntil(seconds: 10) { agent.log.contains("cause=\"host name mismatch\"") }, "agent log:\n\(agent.log)")
        #expect(!agent.log.contains("connected to broker"))
    }

    @Test func brokerRejectsAnAgentWithoutClientCertificate() throws {
        let pki = try TestCertificates()
        let broker = try TestBroker(listener: Self.tlsListener(pki))
        let server = try Self.server()
        defer { server.stop() }
        let agent = try AgentProcess(board: Self.board(gateway: uniqueGateway("tls-nocert"), mqtt: """
              url: mqtts://127.0.0.1:\(broker.port)
              tls: {ca_file: \(pki.caFile)}
            """, plcPort: server.port))
        #expect(waitUntil(seconds: 10) { agent.log.contains("TLS connection to the broker failed") },
                "agent log:\n\(agent.log)")
        #expect(!agent.log.contains("connected to broker"))
    }

    /// The broker allows the agent's user only `otsentry/<gateway>/#`; a range alert, summaries, device and
    /// gateway status all flow, and the broker (logging every denial) denied nothing.
    @Test func aclConfinesTheAgentToItsGatewayTree() throws {
        let gateway = uniqueGateway("acl")
        let password = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let passwords = TemporaryDirectory(prefix: "otsentry-acl")
        let brokerPasswords = passwords.write("mosquitto.passwd", "")
        for (user, pass) in [("agent", password), ("observer", "watch")] {
            let child = try ChildProcess("/usr/bin/mosquitto_passwd", ["-b", brokerPasswords, user, pass])
            #expect(child.wait(seconds: 10) == 0, "mosquitto_passwd: \(child.stderr)")
        }
        let acl = passwords.write("acl", """
            user agent
            topic readwrite otsentry/\(gateway)/#

            user observer
            topic read #

            """)
        let broker = try TestBroker(extraConfig: "log_type all\n", listener: { port in """
            listener \(port) 127.0.0.1
            allow_anonymous false
            password_file \(brokerPasswords)
            acl_file \(acl)
            """ })
        let server = try Self.server()
        defer { server.stop() }
        let subscriber = try TestSubscriber(port: broker.port, pattern: "#") { options in
            options.username = "observer"
            options.password = "watch"
        }
        let secret = passwords.write("agent.password", password + "\n")
        chmod(secret, 0o600)
        let agent = try AgentProcess(board: Self.board(gateway: gateway, mqtt: """
              url: mqtt://127.0.0.1:\(broker.port)
              username: agent
              password_file: \(secret)
            """, plcPort: server.port, extraChannel: """
                  - {id: temp, table: holding, address: 1, type: int16, detectors: {range: {min: 0, max: 100}}}
            """))
        #expect(subscriber.waitFor("otsentry/\(gateway)/plc/summary") != nil,
                "no summary; agent log:\n\(agent.log)\nbroker log:\n\(broker.log)")
        server.withRegisters { $0[1]!.set(.holding, address: 1, [500]) }
        let alert = subscriber.waitFor("otsentry/\(gateway)/alerts") { jsonObject($0.payload)?["state"] as? String == "open" }
        #expect(alert != nil, "no alert; agent log:\n\(agent.log)")
        agent.child.signal(SIGTERM)
        #expect(agent.child.wait(seconds: 10) == 0)
        #expect(subscriber.waitFor("otsentry/\(gateway)/status") { String(decoding: $0.payload, as: UTF8.self).contains("offline") } != nil)

        let topics = Set(subscriber.messages.map(\.topic)).filter { !$0.hasPrefix("$SYS") }
        #expect(topics.count >= 4, "\(topics)")
        #expect(topics.allSatisfy { $0.hasPrefix("otsentry/\(gateway)/") }, "outside the gateway tree: \(topics)")
        #expect(!broker.log.contains("Denied PUBLISH"), "broker log:\n\(broker.log)")
        #expect(broker.log.contains("Received PUBLISH from otsentry-\(gateway)"))
        // The denial check is real: the same user publishing outside its tree is denied and logged.
        let outside = try ChildProcess("/usr/bin/mosquitto_pub", [
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-u", "agent", "-P", password, "-t", "elsewhere/x", "-m", "1",
            "-q", "1",
        ])
        #expect(outside.wait(seconds: 10) != nil)
        #expect(waitUntil(seconds: 5) { broker.log.contains("Denied PUBLISH") }, "broker log:\n\(broker.log)")
        // The password is not in the agent's log.
        #expect(!agent.log.contains(password))
    }

    @Test func wrongPasswordIsReportedWithoutTheSecret() throws {
        let password = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        let dir = TemporaryDirectory(prefix: "otsentry-pw")
        let brokerPasswords = dir.write("mosquitto.passwd", "")
        let made = try ChildProcess("/usr/bin/mosquitto_passwd", ["-b", brokerPasswords, "agent", "right"])
        #expect(made.wait(seconds: 10) == 0)
        let broker = try TestBroker(listener: { port in """
            listener \(port) 127.0.0.1
            allow_anonymous false
            password_file \(brokerPasswords)
            """ })
        let server = try Self.server()
        defer { server.stop() }
        let secret = dir.write("agent.password", password)
        chmod(secret, 0o400)
        let agent = try AgentProcess(board: Self.board(gateway: uniqueGateway("pw"), mqtt: """
              url: mqtt://127.0.0.1:\(broker.port)
              username: agent
              password_file: \(secret)
            """, plcPort: server.port))
        #expect(waitUntil(seconds: 10) { agent.log.contains("broker refused the connection") }, "agent log:\n\(agent.log)")
        #expect(agent.log.contains("not authorised") || agent.log.contains("not authorized"), "agent log:\n\(agent.log)")
        #expect(agent.child.isRunning)
        #expect(!agent.log.contains(password))
    }

    @Test func passwordFileReadableByOthersIsAConfigurationError() throws {
        let dir = TemporaryDirectory(prefix: "otsentry-pw")
        let secret = dir.write("agent.password", "hunter2\n")
        chmod(secret, 0o644)
        let boardPath = dir.write("board.yaml", Self.board(gateway: "gw", mqtt: """
              url: mqtt://127.0.0.1:1883
              username: agent
              password_file: agent.password
            """, plcPort: 502))
        for subcommand in ["check", "run"] {
            let (status, _, stderr) = try runOTSentry([subcommand, "--board", boardPath])
            #expect(status == 78, "\(subcommand): \(stderr)")
            #expect(stderr.contains("board.yaml:5:18:"), "\(stderr)")
            #expect(stderr.contains("mqtt.password_file"), "\(stderr)")
            #expect(stderr.contains("accessible by group or others (mode 0644)"), "\(stderr)")
            #expect(!stderr.contains("hunter2"))
        }
        chmod(secret, 0o600)
        let (status, stdout, stderr) = try runOTSentry(["check", "--board", boardPath])
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("password from \(dir.path)/agent.password"), "\(stdout)")
        #expect(!stdout.contains("hunter2"))
    }
}
