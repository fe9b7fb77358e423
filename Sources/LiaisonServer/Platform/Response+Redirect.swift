import Foundation
import Hummingbird

/// A one-time message shown on the next page, such as "Profile saved."
enum Flash {
    static let cookieName = "liaison_flash"

    static func cookie(_ message: String, secure: Bool) -> Cookie {
        let encoded = message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Cookie(name: cookieName, value: encoded, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func read(_ request: Request) -> String? {
        request.cookies[cookieName]?.value.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
    }

    static var clearing: Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax)
    }
}

extension Response {
    /// "See other": after a form post, the browser loads `location` with GET.
    static func redirect(to location: String, flash: String? = nil, secureCookies: Bool = false) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        if let flash { response.setCookie(Flash.cookie(flash, secure: secureCookies)) }
        return response
    }
}
