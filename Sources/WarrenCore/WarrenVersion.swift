/// Warren's version, as `warren --version` prints it.
public enum WarrenVersion {
    public static let current = "0.21.0"
}
