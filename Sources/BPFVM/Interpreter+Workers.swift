// A run keeps its registers, stack, call frames, context block and fault state in the
// interpreter (and native code in its own entry state), so two threads must never run one
// interpreter at once. Each datapath worker gets its own, over the same translated program and
// the same maps; only the environment differs (the worker's CPU index).

extension Interpreter {
    /// An interpreter for worker `cpu`: the same program, engine and instruction budget, its own
    /// run state, and ``HelperEnvironment/forWorker(_:)`` of this one's environment.
    public func forWorker(_ cpu: Int) -> Interpreter {
        Interpreter(program: program, environment: environment.forWorker(cpu), instructionBudget: instructionBudget,
                    engine: isNative ? .native : .interpreter)
    }
}
