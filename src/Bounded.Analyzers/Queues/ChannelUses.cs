using System.Collections.Generic;
using System.Threading;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

internal enum CompletableKind
{
    /// <summary>A <c>Channel&lt;T&gt;</c>: written through <c>Writer</c>, completed by <c>Writer.Complete/TryComplete</c>.</summary>
    Channel,

    /// <summary>A <c>BlockingCollection&lt;T&gt;</c>: completed by <c>CompleteAdding</c>.</summary>
    BlockingCollection,
}

/// <summary>A read that ends only when the channel is completed: <c>await foreach</c> over <c>ReadAllAsync</c>, <c>while (await WaitToReadAsync())</c>, <c>foreach</c> over <c>GetConsumingEnumerable</c>, <c>await Reader.Completion</c>.</summary>
internal sealed class Drain
{
    public Drain(IOperation operation, IOperation function, bool boundByToken, SyntaxNode? exit)
    {
        Operation = operation;
        Function = function;
        BoundByToken = boundByToken;
        Exit = exit;
    }

    /// <summary>The reading call or the <c>Completion</c> reference.</summary>
    public IOperation Operation { get; }

    public IOperation Function { get; }

    /// <summary>A token ends the read (<c>ReadAllAsync(stoppingToken)</c>): the reader does not depend on completion.</summary>
    public bool BoundByToken { get; }

    /// <summary>A <c>break</c>, <c>return</c>, <c>throw</c> or <c>goto</c> that leaves the reading loop before the channel ends.</summary>
    public SyntaxNode? Exit { get; }

    /// <summary>It waits for the completion and nothing else ends it.</summary>
    public bool Waits => !BoundByToken && Exit is null;
}

/// <summary>
/// Everything one channel's scope (a member for a local, the declaring type for a private field) does with it: how it is
/// created, written, completed and read, and whether it escapes. Ownership is clear only when nothing outside the scope
/// can touch the writer: the channel or its writer passed to, stored in or returned to other code fails the scope.
/// </summary>
internal sealed class ChannelUses
{
    private readonly KnownSymbols _types;
    private readonly List<IOperation> _roots;
    private readonly Dictionary<ISymbol, Endpoint> _aliases = new(SymbolEqualityComparer.Default);
    private readonly CancellationToken _cancellationToken;

    private ChannelUses(ISymbol symbol, CompletableKind kind, List<IOperation> roots, KnownSymbols types, CancellationToken cancellationToken)
    {
        Symbol = symbol;
        Kind = kind;
        _roots = roots;
        _types = types;
        _cancellationToken = cancellationToken;
    }

    private enum Endpoint
    {
        Whole,
        Writer,
        Reader,
    }

    public ISymbol Symbol { get; }
    public CompletableKind Kind { get; }
    public List<IOperation> Creations { get; } = new();
    public List<IInvocationOperation> Writes { get; } = new();
    public List<IInvocationOperation> Completions { get; } = new();
    public List<Drain> Drains { get; } = new();

    /// <summary>Awaits (or waits) of a task that drains the channel: <c>await consumer</c>, <c>await ConsumeAsync(channel.Reader)</c>, <c>pump.Wait()</c>.</summary>
    public List<IOperation> DrainAwaits { get; } = new();

    /// <summary>Reads that do not wait for completion (<c>ReadAsync</c>, <c>TryRead</c>, <c>Take</c>).</summary>
    public int OtherReads { get; private set; }

    /// <summary>The reader is returned to the caller, who reads it (a pipeline stage).</summary>
    public bool ReaderReturned { get; private set; }

    /// <summary>The reader is handed to code outside the scope.</summary>
    public bool ReaderHandedOut { get; private set; }

    public bool Failed { get; private set; }

    /// <summary>Collects the uses of <paramref name="symbol"/> in <paramref name="roots"/> (member bodies, initializers).</summary>
    public static ChannelUses Collect(ISymbol symbol, CompletableKind kind, List<IOperation> roots, KnownSymbols types, CancellationToken cancellationToken)
    {
        var uses = new ChannelUses(symbol, kind, roots, types, cancellationToken);
        uses._aliases.Add(symbol, Endpoint.Whole);
        uses.Run();
        return uses;
    }

    public static CompletableKind? KindOf(ITypeSymbol? type, KnownSymbols types)
    {
        if (types.IsChannelType(type))
        {
            return CompletableKind.Channel;
        }

        return type.IsType(types.BlockingCollection) ? CompletableKind.BlockingCollection : null;
    }

    /// <summary><c>Channel.CreateBounded/CreateUnbounded…</c> or <c>new BlockingCollection&lt;T&gt;(…)</c>.</summary>
    public static bool IsCreation(IOperation value, KnownSymbols types) => value.WithoutConversions() switch
    {
        IInvocationOperation { TargetMethod: { IsStatic: true } method } => SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Channel)
            && method.Name.StartsWith("Create", System.StringComparison.Ordinal),
        IObjectCreationOperation creation => creation.Type.IsType(types.BlockingCollection),
        _ => false,
    };

    private void Run()
    {
        // References are gathered once; aliases found on the way (a writer local, a helper's parameter) are classified in later passes.
        var references = new List<IOperation>();
        for (var i = 0; i < _roots.Count; i++)
        {
            Gather(_roots[i], references);
        }

        var done = new HashSet<IOperation>();
        var found = true;
        while (found && !Failed)
        {
            found = false;
            for (var i = 0; i < references.Count && !Failed; i++)
            {
                var reference = references[i];
                if (done.Contains(reference) || SymbolOf(reference) is not { } symbol || !_aliases.TryGetValue(symbol, out var endpoint))
                {
                    continue;
                }

                done.Add(reference);
                found = true;
                var before = _roots.Count;
                Classify(reference, symbol, endpoint);
                for (var r = before; r < _roots.Count; r++)
                {
                    Gather(_roots[r], references);
                }
            }
        }

        if (!Failed)
        {
            FindDrainAwaits();
        }
    }

    private void Gather(IOperation root, List<IOperation> references)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation)
            {
                references.Add(operation);
            }
            else if (operation is IVariableDeclaratorOperation { Initializer.Value: { } value } declarator
                && SymbolEqualityComparer.Default.Equals(declarator.Symbol, Symbol))
            {
                AddCreation(value);
            }
            else if (operation is IFieldInitializerOperation { Value: { } initial } field && Symbol is IFieldSymbol channelField
                && Initializes(field, channelField))
            {
                AddCreation(initial);
            }
            else if (operation is IInvalidOperation)
            {
                Failed = true; // half-typed code
            }
        }
    }

    private void AddCreation(IOperation value)
    {
        if (IsCreation(value, _types))
        {
            Creations.Add(value.WithoutConversions());
        }
        else
        {
            Failed = true; // the channel comes from elsewhere: its owner may complete it
        }
    }

    private static bool Initializes(IFieldInitializerOperation initializer, IFieldSymbol field)
    {
        foreach (var initialized in initializer.InitializedFields)
        {
            if (SymbolEqualityComparer.Default.Equals(initialized, field))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOneOf(ISymbol symbol, List<ISymbol> symbols)
    {
        foreach (var candidate in symbols)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, symbol))
            {
                return true;
            }
        }

        return false;
    }

    private static ISymbol? SymbolOf(IOperation reference) => reference switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
        _ => null,
    };

    private void Classify(IOperation reference, ISymbol symbol, Endpoint endpoint)
    {
        var node = AcquireReleaseAnalysis.Outermost(reference);
        if (endpoint == Endpoint.Whole && Kind == CompletableKind.Channel && node.Parent is IPropertyReferenceOperation { Property.Name: "Writer" or "Reader" } part
            && ReferenceEquals(part.Instance, node))
        {
            endpoint = part.Property.Name == "Writer" ? Endpoint.Writer : Endpoint.Reader;
            node = AcquireReleaseAnalysis.Outermost(part);
        }

        switch (node.Parent)
        {
            case IInvocationOperation call when ReferenceEquals(call.Instance, node):
                ClassifyCall(call, endpoint);
                return;
            case IPropertyReferenceOperation { Property.Name: "Completion" } completion when endpoint == Endpoint.Reader && ReferenceEquals(completion.Instance, node):
                AddDrain(completion, boundByToken: false, exit: null);
                return;
            case IPropertyReferenceOperation or IEventReferenceOperation:
                return; // Count, IsAddingCompleted, CanCount …
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } when endpoint != Endpoint.Whole:
                AddAlias(declarator.Symbol, endpoint);
                return;
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, node):
                if (endpoint == Endpoint.Whole && IsCreation(assignment.Value, _types) && SymbolEqualityComparer.Default.Equals(symbol, Symbol))
                {
                    Creations.Add(assignment.Value.WithoutConversions());
                    return;
                }

                Failed = true; // another channel assigned to the same variable
                return;
            case IArgumentOperation argument:
                ClassifyArgument(argument, endpoint);
                return;
            case IReturnOperation when endpoint == Endpoint.Reader && Symbol is ILocalSymbol:
                ReaderReturned = true; // a stage's output, finite by construction (a field's reader is a feed: handed out)
                return;
            case IBinaryOperation or IIsPatternOperation:
                return;
            case IConditionalAccessOperation access when ReferenceEquals(access.Operation, node):
                Failed = true; // writer?.TryComplete(): the analysis does not follow conditional access
                return;
        }

        if (endpoint == Endpoint.Reader)
        {
            ReaderHandedOut = true;
            return;
        }

        Failed = true; // the channel or its writer is stored, returned or handed to code outside the scope
    }

    private void AddAlias(ISymbol alias, Endpoint endpoint)
    {
        if (alias is ILocalSymbol { IsRef: true } || _aliases.ContainsKey(alias))
        {
            Failed = true;
            return;
        }

        _aliases.Add(alias, endpoint);
    }

    private void ClassifyCall(IInvocationOperation call, Endpoint endpoint)
    {
        var name = call.TargetMethod.Name;
        if (Kind == CompletableKind.BlockingCollection)
        {
            switch (name)
            {
                case "Add" or "TryAdd":
                    Writes.Add(call);
                    return;
                case "CompleteAdding":
                    Completions.Add(call);
                    return;
                case "GetConsumingEnumerable":
                    if (LoopOver(call) is { } loop)
                    {
                        AddDrain(call, PassesToken(call, _types), ExitOf(loop));
                    }
                    else
                    {
                        OtherReads++;
                    }

                    return;
                case "Take" or "TryTake":
                    OtherReads++;
                    return;
                default:
                    return;
            }
        }

        if (endpoint == Endpoint.Writer)
        {
            switch (name)
            {
                case "WriteAsync" or "TryWrite" or "WaitToWriteAsync":
                    Writes.Add(call);
                    return;
                case "Complete" or "TryComplete":
                    Completions.Add(call);
                    return;
            }

            return;
        }

        if (endpoint == Endpoint.Reader)
        {
            switch (name)
            {
                case "ReadAllAsync" when LoopOver(call) is { } loop:
                    AddDrain(call, PassesToken(call, _types), ExitOf(loop));
                    return;
                case "WaitToReadAsync" when WhileConditionOf(call) is { } loop:
                    AddDrain(call, PassesToken(call, _types), ExitOf(loop));
                    return;
                default:
                    OtherReads++;
                    return;
            }
        }
    }

    private void ClassifyArgument(IArgumentOperation argument, Endpoint endpoint)
    {
        // Handed to a helper of this type or a local function: the helper's parameter is the same channel.
        if (argument.Parent is IInvocationOperation { TargetMethod: { } method } && argument.Parameter is { RefKind: RefKind.None } parameter
            && argument.ArgumentKind == ArgumentKind.Explicit && BodyOf(method, argument) is { } body)
        {
            if (!_roots.Contains(body))
            {
                _roots.Add(body);
            }

            AddAlias(parameter, endpoint);
            return;
        }

        if (endpoint == Endpoint.Reader)
        {
            ReaderHandedOut = true;
            return;
        }

        Failed = true;
    }

    /// <summary>The body of a local function or a private, non-virtual method of the same type declared in the same file.</summary>
    private IOperation? BodyOf(IMethodSymbol method, IOperation call)
    {
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            return AcquireReleaseDriver.RootOf(call); // its body is part of the member already
        }

        if (method.MethodKind != MethodKind.Ordinary || method.DeclaredAccessibility != Accessibility.Private || method.IsVirtual || method.IsAbstract
            || method.IsOverride || method.IsExtern || method.DeclaringSyntaxReferences.Length != 1
            || !SymbolEqualityComparer.Default.Equals(method.ContainingType, Symbol.ContainingType) || call.SemanticModel is not { } model)
        {
            return null;
        }

        var declaration = method.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken);
        if (declaration.SyntaxTree != model.SyntaxTree || declaration is not MethodDeclarationSyntax)
        {
            return null;
        }

        foreach (var root in _roots)
        {
            if (root.Syntax == declaration)
            {
                return root;
            }
        }

        return model.GetOperation(declaration, _cancellationToken);
    }

    private void AddDrain(IOperation operation, bool boundByToken, SyntaxNode? exit) =>
        Drains.Add(new Drain(operation, AcquireReleaseAnalysis.FunctionOf(operation), boundByToken, exit));

    /// <summary>
    /// The call is given a token that can be cancelled (<see cref="TokenObservation.IsLiveToken"/>): an explicit token
    /// argument, or <c>ReadAllAsync().WithCancellation(token)</c>. Shared by the reads (bound by a token) and the writes
    /// (ended by the reader's token).
    /// </summary>
    internal static bool PassesToken(IInvocationOperation call, KnownSymbols types)
    {
        foreach (var argument in call.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.Explicit && types.IsToken(argument.Parameter?.Type) && types.IsLiveToken(argument.Value))
            {
                return true;
            }
        }

        return call.ParentSkippingConversions() is IInvocationOperation { TargetMethod.Name: "WithCancellation" };
    }

    /// <summary>The <c>foreach</c>/<c>await foreach</c> whose collection is <paramref name="call"/> (also through <c>WithCancellation</c>/<c>ConfigureAwait</c>).</summary>
    private static IForEachLoopOperation? LoopOver(IOperation call)
    {
        var node = AcquireReleaseAnalysis.Outermost(call);
        while (node.Parent is IInvocationOperation { TargetMethod.Name: "WithCancellation" or "ConfigureAwait" } wrapper && ReferenceEquals(wrapper.Instance, node))
        {
            node = AcquireReleaseAnalysis.Outermost(wrapper);
        }

        return node.Parent is IForEachLoopOperation loop && ReferenceEquals(loop.Collection, node) ? loop : null;
    }

    /// <summary>The <c>while</c> loop whose condition is <c>await reader.WaitToReadAsync()</c>.</summary>
    private static IWhileLoopOperation? WhileConditionOf(IInvocationOperation call)
    {
        if (Awaiting.AwaitOf(call) is not { } awaited)
        {
            return null;
        }

        var node = AcquireReleaseAnalysis.Outermost(awaited);
        return node.Parent is IWhileLoopOperation loop && ReferenceEquals(loop.Condition, node) ? loop : null;
    }

    /// <summary>A statement in the loop's body that leaves it before the channel ends.</summary>
    private static SyntaxNode? ExitOf(ILoopOperation loop)
    {
        var body = loop.Body.Syntax;
        foreach (var node in body.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            switch (node)
            {
                case ReturnStatementSyntax or ThrowStatementSyntax or GotoStatementSyntax or YieldStatementSyntax { ReturnOrBreakKeyword.ValueText: "break" }:
                    return node;
                case BreakStatementSyntax when EnclosingBreakable(node) == loop.Syntax:
                    return node;
            }
        }

        return null;
    }

    private static SyntaxNode? EnclosingBreakable(SyntaxNode node)
    {
        for (var parent = node.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or SwitchStatementSyntax or ForEachVariableStatementSyntax)
            {
                return parent;
            }
        }

        return null;
    }

    /// <summary>
    /// A task that drains the channel and is awaited: the function holding a waiting drain is started
    /// (<c>Task.Run(lambda)</c>, <c>Task.Run(Consume)</c>, <c>ConsumeAsync(reader)</c>) and that task, or the local or
    /// field it is stored in, is awaited or waited on.
    /// </summary>
    private void FindDrainAwaits()
    {
        var starts = new List<IOperation>();
        foreach (var drain in Drains)
        {
            if (!drain.Waits)
            {
                continue;
            }

            switch (drain.Function)
            {
                case IAnonymousFunctionOperation lambda:
                    if (StartOf(lambda) is { } start && !starts.Contains(start))
                    {
                        starts.Add(start);
                    }

                    break;
                case ILocalFunctionOperation local:
                    AddCallsOf(local.Symbol, starts);
                    break;
                case IMethodBodyOperation or IBlockOperation when drain.Function.SemanticModel?.GetDeclaredSymbol(drain.Function.Syntax, _cancellationToken) is IMethodSymbol method:
                    AddCallsOf(method, starts);
                    break;
            }
        }

        var holders = new List<ISymbol>();
        foreach (var start in starts)
        {
            if (Awaiting.AwaitOf(start) is { } awaited)
            {
                DrainAwaits.Add(awaited);
                continue;
            }

            switch (start.ParentSkippingConversions())
            {
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    holders.Add(declarator.Symbol);
                    break;
                case ISimpleAssignmentOperation { Target: var target } when SymbolOf(target) is { } held:
                    holders.Add(held);
                    break;
            }
        }

        if (holders.Count == 0)
        {
            return;
        }

        foreach (var root in _roots)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (SymbolOf(operation) is not { } symbol || !IsOneOf(symbol, holders))
                {
                    continue;
                }

                if (Awaiting.AwaitOf(operation) is { } awaited)
                {
                    DrainAwaits.Add(awaited);
                }
                else if (AcquireReleaseAnalysis.Outermost(operation).Parent is IInvocationOperation { TargetMethod.Name: "Wait" } wait && wait.Instance is not null)
                {
                    DrainAwaits.Add(wait);
                }
            }
        }
    }

    /// <summary>The call that starts a lambda as a task: <c>Task.Run(…)</c>, <c>Task.Factory.StartNew(…)</c>, or invoking it.</summary>
    private IOperation? StartOf(IAnonymousFunctionOperation lambda)
    {
        var node = lambda.Parent is IDelegateCreationOperation creation ? creation : (IOperation)lambda;
        if (node.Parent is IArgumentOperation { Parent: IInvocationOperation start }
            && (start.TargetMethod.IsMethodOf(_types.Task, "Run") || start.TargetMethod.Name == "StartNew")
            && _types.IsTaskType(start.Type))
        {
            return start.TargetMethod.Name == "StartNew" && start.Parent is IInvocationOperation { TargetMethod.Name: "Unwrap" } unwrap ? unwrap : start;
        }

        return null;
    }

    private void AddCallsOf(IMethodSymbol method, List<IOperation> starts)
    {
        foreach (var root in _roots)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation call when SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method.OriginalDefinition):
                        if (!starts.Contains(call))
                        {
                            starts.Add(call);
                        }

                        break;
                    case IMethodReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, method.OriginalDefinition)
                        && reference.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation start } }
                        && start.TargetMethod.IsMethodOf(_types.Task, "Run"):
                        if (!starts.Contains(start))
                        {
                            starts.Add(start);
                        }

                        break;
                }
            }
        }
    }
}
