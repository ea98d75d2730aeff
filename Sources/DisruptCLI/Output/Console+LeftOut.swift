import DisruptStore

extension Console {
    /// Reports on standard error what a reader left out (counts only, never a row's content),
    /// and returns what it read.
    func reporting<Value>(_ isolated: Isolated<Value>) -> Value {
        for message in isolated.leftOut.messages { error("disrupt: \(message)") }
        return isolated.value
    }
}
