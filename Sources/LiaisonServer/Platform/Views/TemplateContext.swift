import Foundation

/// Turns a view model into dictionaries and arrays once, before rendering.
///
/// Mustache otherwise reflects over a model at every tag, and again for each level of the context
/// stack it searches; on a long page that was a fifth of a request's time. A dictionary answers
/// each name by hashing. The result reads exactly as the model did: stored properties by name,
/// `nil` properties absent (so a name falls through to the enclosing context, as before), arrays
/// as arrays, and plain values (strings, numbers, booleans, enums) untouched.
enum TemplateContext {
    static func build(_ value: Any) -> Any? {
        if value is String || value is Date || value is UUID || value is URL || value is Decimal || value is Data { return value }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { build($0.value) }
        case .struct, .class:
            var fields: [String: Any] = [:]
            fields.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                if let label = child.label, let built = build(child.value) { fields[label] = built }
            }
            return fields
        case .collection, .set:
            return mirror.children.compactMap { build($0.value) }
        case .dictionary:
            guard let dictionary = value as? [String: Any] else { return value }
            return dictionary.compactMapValues(build)
        default:
            return value
        }
    }
}
