import Modbus
import Testing

/// The 0x2B/0x0E answer parser: every malformed frame is rejected with a reason, well-formed ones round-trip.
struct DeviceIdentificationTests {
    static let objects: [UInt8: [UInt8]] = [0x00: Array("ACME".utf8), 0x01: Array("PLC-9".utf8), 0x02: Array("v2.1".utf8)]

    @Test func roundTripsAResponseBuiltForTheServer() throws {
        let pdu = DeviceIdentification.responsePDU(readCode: 1, conformityLevel: 0x81, from: 0, objects: Self.objects)
        let response = try DeviceIdentification.parse(pdu: pdu)
        #expect(response.readCode == 1)
        #expect(response.conformityLevel == 0x81)
        #expect(!response.moreFollows)
        #expect(response.objects.map(\.id) == [0, 1, 2])
        #expect(response.objects.map(\.value) == [Array("ACME".utf8), Array("PLC-9".utf8), Array("v2.1".utf8)])
    }

    @Test func splitsLongObjectListsWithMoreFollows() throws {
        var objects: [UInt8: [UInt8]] = [:]
        for id in UInt8(0)...6 { objects[id] = [UInt8](repeating: 0x41 + id, count: 60) }
        let first = try DeviceIdentification.parse(
            pdu: DeviceIdentification.responsePDU(readCode: 2, conformityLevel: 2, from: 0, objects: objects))
        #expect(first.moreFollows)
        #expect(first.objects.count == 3)
        #expect(first.nextObjectID == 3)
        let second = try DeviceIdentification.parse(
            pdu: DeviceIdentification.responsePDU(readCode: 2, conformityLevel: 2, from: first.nextObjectID, objects: objects))
        #expect(second.objects.map(\.id) == [3, 4, 5])
    }

    static let malformed: [([UInt8], String)] = [
        ([], "empty PDU"),
        ([0x2B, 0x0E, 1, 1, 0, 0], "shorter than its 7-byte header"),
        ([0x03, 0x0E, 1, 1, 0, 0, 0], "function 0x03 instead of 0x2b"),
        ([0x2B, 0x0D, 1, 1, 0, 0, 0], "MEI type 0x0d"),
        ([0x2B, 0x0E, 9, 1, 0, 0, 0], "read code 9"),
        ([0x2B, 0x0E, 1, 1, 0x01, 0, 0], "more-follows byte 0x01"),
        ([0x2B, 0x0E, 1, 1, 0, 0, 2, 0x00, 1, 0x41], "object 2 of 2 is missing"),
        ([0x2B, 0x0E, 1, 1, 0, 0, 1, 0x00, 5, 0x41], "claims 5 bytes, 1 left"),
        ([0x2B, 0x0E, 1, 1, 0, 0, 2, 0x00, 1, 0x41, 0x00, 1, 0x42], "object 0x00 appears twice"),
        ([0x2B, 0x0E, 1, 1, 0, 0, 1, 0x00, 1, 0x41, 0x99], "1 bytes after the last object"),
        ([0xAB, 1, 2], "exception answer of 3 bytes"),
        ([UInt8](repeating: 0x2B, count: 254), "PDU of 254 bytes"),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedAnswers(_ bytes: [UInt8], _ reason: String) {
        do {
            let parsed = try DeviceIdentification.parse(pdu: bytes)
            Issue.record("parsed \(bytes) as \(parsed)")
        } catch {
            guard case .malformed(let why) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(why.contains(reason), "\(why)")
        }
    }

    @Test func exceptionAnswerIsAnException() {
        #expect(throws: DeviceIdentification.FrameError.exception(.illegalFunction)) {
            try DeviceIdentification.parse(pdu: [0xAB, 0x01])
        }
    }

    @Test func mbapHeaderIsChecked() throws {
        let mbap = try DeviceIdentification.MBAP.parse([0x12, 0x34, 0, 0, 0, 9, 7])
        #expect(mbap == DeviceIdentification.MBAP(transaction: 0x1234, unit: 7, pduLength: 8))
        #expect(throws: DeviceIdentification.FrameError.self) { try DeviceIdentification.MBAP.parse([0, 1, 0, 1, 0, 9, 7]) }
        #expect(throws: DeviceIdentification.FrameError.self) { try DeviceIdentification.MBAP.parse([0, 1, 0, 0, 1, 0, 7]) }
        #expect(throws: DeviceIdentification.FrameError.self) { try DeviceIdentification.MBAP.parse([0, 1, 0, 0, 0, 1, 7]) }
    }

    @Test func valuesAreMadePrintable() {
        let id = DeviceIdentification(objects: [0: [0x41, 0x0A, 0x22, 0x5C, 0xFF]])
        #expect(id.text(0) == "A\\x0a\"\\x5c\\xff")
    }

    @Test func serverIDReportLayout() {
        let report = ServerIDReport(bytes: [0x07, 0xFF, 0x41, 0x42])
        #expect(report.serverID == 7)
        #expect(report.running == true)
        #expect(report.additionalData == [0x41, 0x42])
        #expect(ServerIDReport(bytes: [0x07, 0x00]).running == false)
        #expect(ServerIDReport(bytes: [0x07, 0x12, 0x41]).running == nil)
        #expect(ServerIDReport(bytes: [0x07, 0x12, 0x41]).additionalData == [0x12, 0x41])
    }
}
