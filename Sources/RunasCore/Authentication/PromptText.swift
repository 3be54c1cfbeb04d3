// PromptText.swift: the password prompt's text. Default
// "[runas] password for USER: "; -p/--prompt, RUNAS_PROMPT or SUDO_PROMPT
// replace it,
// with sudo's escapes: %u the caller, %U the target, %h the short host
// name, %H the full host name, %p whose password is asked (the caller's),
// %% a percent sign. Any other % sequence stays as it is.
import CRunasLibc
import SystemEdge

public enum PromptText {
    public static func make(template: String?, caller: String, target: String, hostName: String = PromptText.hostName()) -> String {
        guard let template else { return "[runas] password for \(caller): " }
        var out = ""
        var chars = template.makeIterator()
        while let c = chars.next() {
            guard c == "%" else { out.append(c); continue }
            guard let next = chars.next() else { out.append("%"); break }
            switch next {
            case "u", "p": out += caller
            case "U": out += target
            case "h": out += String(hostName.prefix(while: { $0 != "." }))
            case "H": out += hostName
            case "%": out += "%"
            default: out.append("%"); out.append(next)
            }
        }
        return out
    }

    /// The template from -p, else from RUNAS_PROMPT, else SUDO_PROMPT in
    /// the caller's environment, else nil (the default text).
    public static func template(option: String?, environment: [[UInt8]]) -> String? {
        if let option { return option }
        for name in ["RUNAS_PROMPT", "SUDO_PROMPT"] {
            let prefix = Array((name + "=").utf8)
            if let entry = environment.first(where: { $0.starts(with: prefix) }) {
                return String(decoding: entry.dropFirst(prefix.count), as: UTF8.self)
            }
        }
        return nil
    }

    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(cString: &buffer)
    }
}
