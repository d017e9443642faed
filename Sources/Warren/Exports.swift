// Values users of the Warren library need in their own code.
@_exported import WarrenCore
