using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.Analyzers;

/// <summary>
/// Methods of the project whose every call starts one thread-pool work item: a wrapper such as
/// <c>ExecuteThread(Action action) { ThreadPool.QueueUserWorkItem(_ =&gt; action()); }</c>. A loop that calls one per item
/// starts work per item, one call deep. The body is read from syntax (a method declared in another file has no semantic
/// model here), so the start is recognised by the written call: <c>Task.Run</c>, <c>Task.Factory.StartNew</c> (not
/// <c>LongRunning</c>) or <c>ThreadPool.QueueUserWorkItem</c>/<c>UnsafeQueueUserWorkItem</c>, as a statement at the top level
/// of the body. A start under a condition (a single-flight drainer that starts one worker when none runs) or after a
/// statement that can leave the method (<c>if (pending != 0) return;</c>) is not a wrapper: not every call starts work.
/// </summary>
internal sealed class WorkWrappers
{
    private readonly ConcurrentDictionary<IMethodSymbol, string> _started = new(SymbolEqualityComparer.Default);

    /// <summary>The start the method makes on every call (<c>ThreadPool.QueueUserWorkItem</c>), or null.</summary>
    public string? StartedBy(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (method.IsAbstract || method.IsVirtual || method.IsOverride || method.IsExtern || method.IsPartialDefinition
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
        {
            return null;
        }

        // A source method's declaring references are built anew on each request: read them once per method.
        if (!_started.TryGetValue(method, out var found))
        {
            var references = method.DeclaringSyntaxReferences;
            found = references.Length == 1 ? Read(references[0].GetSyntax(cancellationToken)) ?? "" : "";
            _started.TryAdd(method, found);
        }

        return found.Length == 0 ? null : found;
    }

    private static string? Read(SyntaxNode declaration)
    {
        var (block, expression) = declaration switch
        {
            MethodDeclarationSyntax method => (method.Body, method.ExpressionBody?.Expression),
            LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody?.Expression),
            _ => (null, null),
        };

        if (expression is not null)
        {
            return Start(expression);
        }

        if (block is null)
        {
            return null;
        }

        foreach (var statement in block.Statements)
        {
            if (statement is ExpressionStatementSyntax { Expression: var value } && Start(value) is { } start)
            {
                return start;
            }

            if (CanLeave(statement))
            {
                return null; // `if (pending != 0) return;` before the start: not every call starts work
            }
        }

        return null;
    }

    private static bool CanLeave(StatementSyntax statement)
    {
        foreach (var node in statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is ReturnStatementSyntax or ThrowStatementSyntax or YieldStatementSyntax or GotoStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>Task.Run(…)</c>, <c>_ = Task.Run(…)</c>, <c>Task.Factory.StartNew(…)</c>, <c>ThreadPool.QueueUserWorkItem(…)</c>.</summary>
    private static string? Start(ExpressionSyntax value)
    {
        if (value is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Right: var right })
        {
            value = right;
        }

        if (value is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call)
        {
            return null;
        }

        var owner = access.Expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax inner => inner.Name.Identifier.ValueText + (inner.Expression is IdentifierNameSyntax factoryOwner ? "@" + factoryOwner.Identifier.ValueText : ""),
            _ => null,
        };
        var name = access.Name.Identifier.ValueText;
        return (owner, name) switch
        {
            ("Task", "Run") => "Task.Run",
            ("Factory@Task", "StartNew") when !call.ArgumentList.ToString().Contains("LongRunning") => "Task.Factory.StartNew",
            ("ThreadPool", "QueueUserWorkItem" or "UnsafeQueueUserWorkItem") => "ThreadPool." + name,
            _ => null,
        };
    }
}
