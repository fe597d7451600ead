import Foundation

/// A throw-away PKI made with the real `openssl` command: a CA, a broker certificate for 127.0.0.1 signed by it,
/// a broker certificate for another host name, a client certificate, and an unrelated CA.
public final class TestCertificates: @unchecked Sendable {
    public let directory = TemporaryDirectory(prefix: "otsentry-pki")

    public var caFile: String { self.directory.file("ca.crt") }
    public var otherCAFile: String { self.directory.file("other-ca.crt") }
    public var serverCertFile: String { self.directory.file("server.crt") }
    /// The broker's certificate, valid for DNS:broker.invalid only: connecting to 127.0.0.1 is a host name mismatch.
    public var wrongNameCertFile: String { self.directory.file("server-wrong-name.crt") }
    public var serverKeyFile: String { self.directory.file("server.key") }
    /// A client certificate (CN = `clientName`) and its key.
    public var clientCertFile: String { self.directory.file("client.crt") }
    public var clientKeyFile: String { self.directory.file("client.key") }

    public init(clientName: String = "otsentry-agent") throws {
        let d = self.directory
        d.write("ip.ext", "subjectAltName=IP:127.0.0.1\n")
        d.write("dns.ext", "subjectAltName=DNS:broker.invalid\n")
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d.file("ca.key"), "-out",
                          self.caFile, "-days", "2", "-subj", "/CN=otsentry test CA"])
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d.file("other-ca.key"),
                          "-out", self.otherCAFile, "-days", "2", "-subj", "/CN=unrelated CA"])
        try self.issue(name: "server", subject: "/CN=broker", ext: "ip.ext", out: self.serverCertFile)
        try Self.openssl(["x509", "-req", "-in", d.file("server.csr"), "-CA", self.caFile, "-CAkey", d.file("ca.key"),
                          "-CAcreateserial", "-out", self.wrongNameCertFile, "-days", "2", "-extfile", d.file("dns.ext")])
        try self.issue(name: "client", subject: "/CN=\(clientName)", ext: nil, out: self.clientCertFile)
    }

    private func issue(name: String, subject: String, ext: String?, out: String) throws {
        let d = self.directory
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", d.file("\(name).key"), "-out",
                          d.file("\(name).csr"), "-subj", subject])
        try Self.openssl(["x509", "-req", "-in", d.file("\(name).csr"), "-CA", self.caFile, "-CAkey", d.file("ca.key"),
                          "-CAcreateserial", "-out", out, "-days", "2"] + (ext.map { ["-extfile", d.file($0)] } ?? []))
    }

    private static func openssl(_ arguments: [String]) throws {
        let child = try ChildProcess("/usr/bin/openssl", arguments)
        guard child.wait(seconds: 30) == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")) failed: \(child.stderr)")
        }
    }
}
