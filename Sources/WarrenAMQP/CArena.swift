internal import CRabbitMQ

#if canImport(Glibc)
    import Glibc
#endif

/// Owns the C memory that one librabbitmq call borrows (strings, tables, properties) and frees
/// it when the call is done. Used only on a connection's thread.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for pointer in allocations { free(pointer) }
    }

    func bytes(_ text: String) -> amqp_bytes_t {
        bytes(Array(text.utf8))
    }

    func bytes(_ data: [UInt8]) -> amqp_bytes_t {
        if data.isEmpty { return amqp_empty_bytes }
        let pointer = allocate(data.count)
        data.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: data.count) }
        return amqp_bytes_t(len: data.count, bytes: pointer)
    }

    func cString(_ text: String) -> UnsafePointer<CChar> {
        let utf8 = Array(text.utf8CString)
        let pointer = allocate(utf8.count)
        utf8.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: utf8.count) }
        return UnsafePointer(pointer.assumingMemoryBound(to: CChar.self))
    }

    func table(_ table: AMQPTable) -> amqp_table_t {
        if table.isEmpty { return amqp_empty_table }
        let entries = allocate(MemoryLayout<amqp_table_entry_t>.stride * table.count)
            .bindMemory(to: amqp_table_entry_t.self, capacity: table.count)
        // Sorted keys make the encoding deterministic.
        for (index, key) in table.keys.sorted().enumerated() {
            (entries + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(table[key]!)))
        }
        return amqp_table_t(num_entries: Int32(table.count), entries: entries)
    }

    func properties(_ properties: AMQPProperties) -> amqp_basic_properties_t {
        var result = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ value: String?, _ flag: Int32, _ field: WritableKeyPath<amqp_basic_properties_t, amqp_bytes_t>) {
            guard let value else { return }
            result[keyPath: field] = bytes(value)
            flags |= UInt32(flag)
        }
        set(properties.contentType, AMQP_BASIC_CONTENT_TYPE_FLAG, \.content_type)
        set(properties.contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG, \.content_encoding)
        set(properties.correlationID, AMQP_BASIC_CORRELATION_ID_FLAG, \.correlation_id)
        set(properties.replyTo, AMQP_BASIC_REPLY_TO_FLAG, \.reply_to)
        set(properties.expiration, AMQP_BASIC_EXPIRATION_FLAG, \.expiration)
        set(properties.messageID, AMQP_BASIC_MESSAGE_ID_FLAG, \.message_id)
        set(properties.type, AMQP_BASIC_TYPE_FLAG, \.type)
        set(properties.userID, AMQP_BASIC_USER_ID_FLAG, \.user_id)
        set(properties.appID, AMQP_BASIC_APP_ID_FLAG, \.app_id)
        if !properties.headers.isEmpty {
            result.headers = table(properties.headers)
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
        }
        result.delivery_mode = properties.persistent ? 2 : 1
        flags |= UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
        if let priority = properties.priority {
            result.priority = priority
            flags |= UInt32(AMQP_BASIC_PRIORITY_FLAG)
        }
        if let timestamp = properties.timestamp {
            result.timestamp = timestamp
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        result._flags = flags
        return result
    }

    private func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .string(let text):
            field.kind = kind(AMQP_FIELD_KIND_UTF8)
            field.value.bytes = bytes(text)
        case .int(let number):
            field.kind = kind(AMQP_FIELD_KIND_I64)
            field.value.i64 = number
        case .bool(let flag):
            field.kind = kind(AMQP_FIELD_KIND_BOOLEAN)
            field.value.boolean = flag ? 1 : 0
        case .double(let number):
            field.kind = kind(AMQP_FIELD_KIND_F64)
            field.value.f64 = number
        case .timestamp(let seconds):
            field.kind = kind(AMQP_FIELD_KIND_TIMESTAMP)
            field.value.u64 = seconds
        case .table(let nested):
            field.kind = kind(AMQP_FIELD_KIND_TABLE)
            field.value.table = table(nested)
        case .array(let items):
            field.kind = kind(AMQP_FIELD_KIND_ARRAY)
            let entries = allocate(MemoryLayout<amqp_field_value_t>.stride * max(items.count, 1))
                .bindMemory(to: amqp_field_value_t.self, capacity: max(items.count, 1))
            for (index, item) in items.enumerated() { (entries + index).initialize(to: self.field(item)) }
            field.value.array = amqp_array_t(num_entries: Int32(items.count), entries: entries)
        case .bytes(let data):
            field.kind = kind(AMQP_FIELD_KIND_BYTES)
            field.value.bytes = bytes(data)
        case .void:
            field.kind = kind(AMQP_FIELD_KIND_VOID)
        }
        return field
    }

    private func kind(_ kind: amqp_field_value_kind_t) -> UInt8 { UInt8(kind.rawValue) }

    private func allocate(_ count: Int) -> UnsafeMutableRawPointer {
        let pointer = malloc(max(count, 1))!
        allocations.append(pointer)
        return pointer
    }
}

// MARK: Reading C values into Swift values (copies; the C memory may be released afterwards).

extension String {
    init(_ bytes: amqp_bytes_t) {
        guard let start = bytes.bytes, bytes.len > 0 else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: start, count: bytes.len), as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    init(_ bytes: amqp_bytes_t) {
        guard let start = bytes.bytes, bytes.len > 0 else {
            self = []
            return
        }
        self = Array(UnsafeRawBufferPointer(start: start, count: bytes.len))
    }
}

extension AMQPProperties {
    init(_ c: amqp_basic_properties_t) {
        let flags = c._flags
        func text(_ flag: Int32, _ value: amqp_bytes_t) -> String? {
            flags & UInt32(flag) != 0 ? String(value) : nil
        }
        self.init(
            contentType: text(AMQP_BASIC_CONTENT_TYPE_FLAG, c.content_type),
            contentEncoding: text(AMQP_BASIC_CONTENT_ENCODING_FLAG, c.content_encoding),
            headers: flags & UInt32(AMQP_BASIC_HEADERS_FLAG) != 0 ? AMQPTable(c.headers) : [:],
            persistent: flags & UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG) != 0 && c.delivery_mode == 2,
            priority: flags & UInt32(AMQP_BASIC_PRIORITY_FLAG) != 0 ? c.priority : nil,
            correlationID: text(AMQP_BASIC_CORRELATION_ID_FLAG, c.correlation_id),
            replyTo: text(AMQP_BASIC_REPLY_TO_FLAG, c.reply_to),
            expiration: text(AMQP_BASIC_EXPIRATION_FLAG, c.expiration),
            messageID: text(AMQP_BASIC_MESSAGE_ID_FLAG, c.message_id),
            timestamp: flags & UInt32(AMQP_BASIC_TIMESTAMP_FLAG) != 0 ? c.timestamp : nil,
            type: text(AMQP_BASIC_TYPE_FLAG, c.type),
            userID: text(AMQP_BASIC_USER_ID_FLAG, c.user_id),
            appID: text(AMQP_BASIC_APP_ID_FLAG, c.app_id)
        )
    }
}

extension Dictionary where Key == String, Value == AMQPFieldValue {
    init(_ c: amqp_table_t) {
        self.init()
        guard let entries = c.entries else { return }
        for index in 0..<Int(c.num_entries) {
            let entry = entries[index]
            self[String(entry.key)] = AMQPFieldValue(entry.value)
        }
    }
}

extension AMQPFieldValue {
    init(_ c: amqp_field_value_t) {
        switch amqp_field_value_kind_t(rawValue: UInt32(c.kind)) {
        case AMQP_FIELD_KIND_UTF8: self = .string(String(c.value.bytes))
        case AMQP_FIELD_KIND_BYTES: self = .bytes([UInt8](c.value.bytes))
        case AMQP_FIELD_KIND_BOOLEAN: self = .bool(c.value.boolean != 0)
        case AMQP_FIELD_KIND_I8: self = .int(Int64(c.value.i8))
        case AMQP_FIELD_KIND_U8: self = .int(Int64(c.value.u8))
        case AMQP_FIELD_KIND_I16: self = .int(Int64(c.value.i16))
        case AMQP_FIELD_KIND_U16: self = .int(Int64(c.value.u16))
        case AMQP_FIELD_KIND_I32: self = .int(Int64(c.value.i32))
        case AMQP_FIELD_KIND_U32: self = .int(Int64(c.value.u32))
        case AMQP_FIELD_KIND_I64: self = .int(c.value.i64)
        case AMQP_FIELD_KIND_U64: self = .int(Int64(bitPattern: c.value.u64))
        case AMQP_FIELD_KIND_F32: self = .double(Double(c.value.f32))
        case AMQP_FIELD_KIND_F64: self = .double(c.value.f64)
        case AMQP_FIELD_KIND_TIMESTAMP: self = .timestamp(c.value.u64)
        case AMQP_FIELD_KIND_TABLE: self = .table(AMQPTable(c.value.table))
        case AMQP_FIELD_KIND_ARRAY:
            let array = c.value.array
            var items: [AMQPFieldValue] = []
            if let entries = array.entries {
                for index in 0..<Int(array.num_entries) { items.append(AMQPFieldValue(entries[index])) }
            }
            self = .array(items)
        default: self = .void
        }
    }
}
