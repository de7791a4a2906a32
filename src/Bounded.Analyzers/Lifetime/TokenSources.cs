using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Lifetime;

/// <summary>What BND2003 knows about a linked or timeout CancellationTokenSource held in a local.</summary>
internal sealed class TokenSourceUse
{
    public TokenSourceUse(ILocalSymbol local, IOperation creation, bool linked)
    {
        Local = local;
        Creation = creation;
        Linked = linked;
    }

    public ILocalSymbol Local { get; }
    public IOperation Creation { get; }
    public bool Linked { get; }
    public bool HasTimer { get; set; }
    public bool UnderUsing { get; set; }
    public bool DisposedOnEveryPath { get; set; }

    /// <summary>The source itself leaves the method: returned, stored, passed on, disposed by someone else.</summary>
    public bool Escapes { get; set; }

    /// <summary>The token (or the source) is used where it may outlive the method: stored, captured by detached work.</summary>
    public bool TokenMayOutlive { get; set; }

    /// <summary>The local is assigned again after its creation (a using variable could not be).</summary>
    public bool Reassigned { get; set; }
}

/// <summary>Finds linked/timeout sources held in locals and follows every use of the local in its function.</summary>
internal static class TokenSources
{
    /// <summary>Recognises the creation and the local that receives it; null when it is not one BND2003 follows.</summary>
    public static TokenSourceUse? Inspect(IOperation creation, KnownSymbols types)
    {
        bool linked;
        switch (creation)
        {
            case IInvocationOperation { TargetMethod: { Name: "CreateLinkedTokenSource", IsStatic: true } method } when types.IsTokenSource(method.ContainingType):
                linked = true;
                break;
            case IObjectCreationOperation { Constructor: { } constructor } when types.IsTokenSource(constructor.ContainingType):
                linked = false;
                break;
            default:
                return null;
        }

        ILocalSymbol local;
        switch (creation.ParentSkippingConversions())
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                local = declarator.Symbol;
                if (IsUsingResource(declarator))
                {
                    return new TokenSourceUse(local, creation, linked) { UnderUsing = true };
                }

                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when ReferenceEquals(assignment.Value.WithoutConversions(), creation):
                local = target.Local;
                break;
            default:
                return null;
        }

        var use = new TokenSourceUse(local, creation, linked)
        {
            HasTimer = creation is IObjectCreationOperation { Arguments.Length: > 0 },
        };

        if (creation.EnclosingFunction() is not { } function)
        {
            return null;
        }

        var creationStatement = StatementOf(creation.Syntax);
        foreach (var operation in function.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            Classify(reference, use, creation, creationStatement, types);
        }

        return use;
    }

    private static void Classify(ILocalReferenceOperation reference, TokenSourceUse use, IOperation creation, StatementSyntax? creationStatement, KnownSymbols types)
    {
        var parent = reference.ParentSkippingConversions();
        var inNestedFunction = IsInNestedFunction(reference, creation);
        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, reference):
                if (!ReferenceEquals(assignment.Value.WithoutConversions(), creation))
                {
                    use.Reassigned = true;
                }

                return;
            case IInvocationOperation { TargetMethod.Name: "Dispose" } dispose when ReferenceEquals(dispose.Instance?.WithoutConversions(), reference):
                NoteDispose(dispose, use, creationStatement, inNestedFunction);
                return;
            case IConditionalAccessOperation { WhenNotNull: IInvocationOperation { TargetMethod.Name: "Dispose" } } conditional:
                NoteDispose(conditional, use, creationStatement, inNestedFunction);
                return;
            case IUsingOperation:
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation aliased } when IsUsingResource(aliased):
                use.DisposedOnEveryPath = true;
                return;
            case IInvocationOperation { TargetMethod.Name: "CancelAfter" } cancelAfter when ReferenceEquals(cancelAfter.Instance?.WithoutConversions(), reference):
                use.HasTimer = true;
                NoteContained(cancelAfter, use, types);
                return;
            case IMemberReferenceOperation member when ReferenceEquals(member.Instance?.WithoutConversions(), reference):
                NoteContained(member, use, types);
                return;
            case IInvocationOperation call when ReferenceEquals(call.Instance?.WithoutConversions(), reference):
                NoteContained(call, use, types);
                return;
            default:
                use.Escapes = true;
                return;
        }
    }

    /// <summary>The declarator is the resource of a <c>using</c> statement or declaration.</summary>
    private static bool IsUsingResource(IVariableDeclaratorOperation declarator) =>
        declarator.Parent is IVariableDeclarationOperation { Parent: var group }
        && (group is IUsingOperation or IUsingDeclarationOperation
            || group is IVariableDeclarationGroupOperation { Parent: IUsingOperation or IUsingDeclarationOperation });

    private static void NoteDispose(IOperation dispose, TokenSourceUse use, StatementSyntax? creationStatement, bool inNestedFunction)
    {
        if (inNestedFunction)
        {
            use.Escapes = true; // the lambda owns it now
            return;
        }

        if (OperationHelpers.IsInsideOwn<FinallyClauseSyntax>(dispose.Syntax) || (creationStatement is not null && DisposedAfterInSameBlock(dispose.Syntax, creationStatement)))
        {
            use.DisposedOnEveryPath = true;
        }
    }

    /// <summary>Where a use of the source or its token stays inside the method (see <see cref="IsContained"/>).</summary>
    private static void NoteContained(IOperation use, TokenSourceUse state, KnownSymbols types)
    {
        if (!IsContained(use, types))
        {
            state.TokenMayOutlive = true;
        }
    }

    /// <summary>
    /// A use that ends before the method does: awaited, or a synchronous call or check in a statement of the method itself.
    /// Uses stored in a local, field or collection, returned, or captured by a lambda that is not awaited may outlive it.
    /// </summary>
    public static bool IsContained(IOperation use, KnownSymbols types)
    {
        var crossedFunction = false;
        var passedTask = false;
        for (var current = use; current.Parent is { } parent; current = parent)
        {
            switch (parent)
            {
                case IAwaitOperation:
                    return true;
                case ILocalFunctionOperation:
                case IObjectCreationOperation:
                    return false;
                case IVariableDeclaratorOperation or IVariableInitializerOperation:
                case IReturnOperation when !crossedFunction:
                case ISimpleAssignmentOperation:
                case ICompoundAssignmentOperation:
                    // A plain value (a bool, a count, a string) computed with the token keeps nothing alive.
                    return !crossedFunction && !passedTask && current.Type is { SpecialType: not SpecialType.None };
                case IAnonymousFunctionOperation:
                    crossedFunction = true;
                    break;
                case IInvocationOperation invocation when types.IsAwaitable(invocation.Type):
                    passedTask = true;
                    break;
            }

            if (parent.Syntax is StatementSyntax && !crossedFunction && parent is not IBlockOperation)
            {
                return !passedTask;
            }
        }

        return false;
    }

    private static bool IsInNestedFunction(IOperation reference, IOperation creation)
    {
        var function = creation.EnclosingFunction();
        for (var current = reference.Parent; current is not null && !ReferenceEquals(current, function); current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    public static StatementSyntax? StatementOf(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is StatementSyntax statement)
            {
                return statement;
            }
        }

        return null;
    }


    /// <summary><c>cts.Dispose();</c> later in the declaring block, with no return, break, continue, goto or throw before it.</summary>
    private static bool DisposedAfterInSameBlock(SyntaxNode dispose, StatementSyntax creationStatement)
    {
        if (creationStatement.Parent is not BlockSyntax block || dispose.Parent is not ExpressionStatementSyntax disposeStatement || disposeStatement.Parent != block)
        {
            return false;
        }

        var start = block.Statements.IndexOf(creationStatement);
        var end = block.Statements.IndexOf(disposeStatement);
        if (start < 0 || end <= start)
        {
            return false;
        }

        for (var i = start + 1; i < end; i++)
        {
            foreach (var node in block.Statements[i].DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is ReturnStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax or YieldStatementSyntax)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
