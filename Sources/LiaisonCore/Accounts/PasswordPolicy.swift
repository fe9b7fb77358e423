/// What a new password must satisfy. Length is what matters; composition rules mostly produce
/// passwords people write down.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 128

    /// Records a problem under `field` when `password` is unacceptable.
    public static func check(_ password: String, confirmation: String?, field: String, into errors: inout ValidationErrors) {
        if password.count < minimumLength {
            errors.add(field, "Choose a password of at least \(minimumLength) characters.")
        } else if password.count > maximumLength {
            errors.add(field, "Passwords can be at most \(maximumLength) characters.")
        }
        if let confirmation, confirmation != password {
            errors.add("passwordConfirmation", "The two passwords do not match.")
        }
    }
}
