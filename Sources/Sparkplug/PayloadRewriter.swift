/// Prepares a spooled payload for sending: appends the session's `seq` and, for a replayed record, marks every
/// metric `is_historical` (store and forward: the host then files it as history, not as the current value). The
/// spool mark (``PayloadEncoder/mark(_:)``, in `uuid`) is taken out and returned.
public enum PayloadRewriter {
    @discardableResult
    public static func prepare(_ payload: [UInt8], seq: UInt64, historical: Bool,
                               into writer: inout ProtobufWriter) throws(ProtobufError) -> ArraySlice<UInt8>?
    {
        writer.reset()
        var mark: ArraySlice<UInt8>?
        var reader = ProtobufReader(payload[...])
        while let (field, value) = try reader.next() {
            if field == 3 { continue }  // a seq already present is replaced
            if field == 4, case .bytes(let b) = value {
                mark = b
                continue
            }
            if historical, field == 2, case .bytes(let body) = value {
                writer.beginMessage(2)
                var metric = ProtobufReader(body)
                while let (f, v) = try metric.next() {
                    if f != 5 { writer.field(f, v) }
                }
                writer.bool(5, true)
                writer.endMessage()
            } else {
                writer.field(field, value)
            }
        }
        writer.uint64(3, seq)
        return mark
    }
}
