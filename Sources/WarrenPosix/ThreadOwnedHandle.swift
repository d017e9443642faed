/// A C library handle handed to its connection's thread from elsewhere (a `deinit`). Only that
/// thread may use it.
public struct ThreadOwnedHandle: @unchecked Sendable {
    public let pointer: OpaquePointer
    public init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
