using System.Collections.Generic;
using System.Linq;
using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>The two loop-level rewrites of the BND1xxx fixes: Parallel.ForEachAsync and a bounded channel worker pool.</summary>
internal static class LoopRewrites
{
    public const string ParallelTitle = "Use Parallel.ForEachAsync with a degree of parallelism";
    public const string ChannelTitle = "Use a bounded channel worker pool";

    /// <summary>
    /// <c>foreach</c> + <c>tasks.Add(work)</c> + <c>await Task.WhenAll(tasks)</c> with unused results becomes one
    /// <c>await Parallel.ForEachAsync(source, options, body)</c>. Fire-and-forget loops are left to the channel rewrite.
    /// </summary>
    public static PlannedFix? ParallelForEachAsync(FixContext context, PerItemLoop shape, List<StatementSyntax> work, string ruleId, string key)
    {
        var model = context.Model;
        if (shape.Discarded
            || !context.Targets.Everywhere(HasParallelForEachAsync)
            || !IsPlainSequence(model, shape)
            || !CodeText.CanReindent(work))
        {
            return null;
        }

        var loop = shape.Loop;
        return new PlannedFix(ParallelTitle, key, () =>
        {
            var limitName = context.Names.Allocate(loop, "maxConcurrency");
            var tokenName = context.Names.Allocate(loop, "ct");
            var token = FixSyntax.TokenInScope(model, loop, context.CancellationToken);
            var isAsync = ContainsAwait(work);
            var limit = ConcurrencyLimit.Expression(context.Document, loop.SyntaxTree, ruleId, ioBound: isAsync);
            var options = "new global::System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = " + limitName
                + (token is null ? "" : ", CancellationToken = " + token) + " }";
            var configure = shape.ConfigureAwaitArguments is { } arguments ? ".ConfigureAwait" + arguments.ToFullString() : "";

            var text = CodeText.At(loop)
                .Line("await global::System.Threading.Tasks.Parallel.ForEachAsync(" + loop.Expression.WithoutTrivia().ToFullString() + ", " + options + ", "
                    + (isAsync ? "async " : "") + "(" + shape.ItemName + ", " + tokenName + ") =>")
                .Open()
                .Statements(token is null ? work : UseHandedToken(work, token, tokenName));
            if (!isAsync)
            {
                text.Line("return global::System.Threading.Tasks.ValueTask.CompletedTask;");
            }

            text.Close(")" + configure + ";");
            var statement = FixSyntax.WithImports(SyntaxFactory.ParseStatement(text.ToString()));
            var declaration = ConcurrencyLimit.Local(limitName, limit).WithLeadingTrivia(loop.GetLeadingTrivia()).Formatted();
            return editor =>
            {
                editor.InsertBefore(loop, new SyntaxNode[] { declaration, statement });
                editor.RemoveNode(loop);
                editor.RemoveNode(shape.Collection!);
                editor.RemoveNode(shape.AwaitAll!);
            };
        });
    }

    /// <summary>
    /// Fire-and-forget work per item becomes a bounded channel: N workers read it, the loop writes with
    /// <c>WriteAsync</c> (waiting when full), then the writer is completed and the workers awaited. A failing worker
    /// completes the channel with its exception, so the loop stops writing and the exception surfaces.
    /// </summary>
    public static PlannedFix? BoundedChannel(FixContext context, PerItemLoop shape, List<StatementSyntax> work, string ruleId, string key)
    {
        var model = context.Model;
        if (!shape.Discarded
            || !context.Targets.SupportAsyncStreams
            || !context.Targets.Everywhere(compilation => KnownSymbols.GetOrCreate(compilation) is { Channel: not null, AsyncEnumerable: not null })
            || !CodeText.CanReindent(work))
        {
            return null;
        }

        var loop = shape.Loop;
        return new PlannedFix(ChannelTitle, key, () =>
        {
            var limitName = context.Names.Allocate(loop, "maxConcurrency");
            var queueName = context.Names.Allocate(loop, "queue");
            var workersName = context.Names.Allocate(loop, "workers");
            var indexName = context.Names.Allocate(loop, "i");
            var exceptionName = context.Names.Allocate(loop, "exception");
            var token = FixSyntax.TokenInScope(model, loop, context.CancellationToken);
            var limit = ConcurrencyLimit.Expression(context.Document, loop.SyntaxTree, ruleId, ioBound: ContainsAwait(work));
            var itemType = shape.ItemType.ToMinimalDisplayString(model, loop.SpanStart);

            var setup = CodeText.At(loop)
                .Line("var " + queueName + " = global::System.Threading.Channels.Channel.CreateBounded<" + itemType + ">(new global::System.Threading.Channels.BoundedChannelOptions("
                    + limitName + ") { FullMode = global::System.Threading.Channels.BoundedChannelFullMode.Wait });")
                .Line("var " + workersName + " = new global::System.Threading.Tasks.Task[" + limitName + "];")
                .Line("for (var " + indexName + " = 0; " + indexName + " < " + limitName + "; " + indexName + "++)")
                .Open()
                .Line(workersName + "[" + indexName + "] = global::System.Threading.Tasks.Task.Run(async () =>")
                .Open()
                .Line("try")
                .Open()
                .Line("await foreach (var " + shape.ItemName + " in " + queueName + ".Reader.ReadAllAsync())")
                .Open()
                .Statements(work)
                .Close()
                .Close()
                .Line("catch (global::System.Exception " + exceptionName + ")")
                .Open()
                .Line(queueName + ".Writer.TryComplete(" + exceptionName + ");")
                .Line("throw;")
                .Close()
                .Close(");")
                .Close();

            var producer = CodeText.At(loop)
                .Line("try")
                .Open()
                .Line(loop.WithStatement(SyntaxFactory.Block()).WithoutTrivia().ToFullString().Replace("{}", "").TrimEnd())
                .Open()
                .Line("await " + queueName + ".Writer.WriteAsync(" + shape.ItemName + (token is null ? "" : ", " + token) + ");")
                .Close()
                .Close()
                .Line("finally")
                .Open()
                .Line(queueName + ".Writer.TryComplete();")
                .Line("await global::System.Threading.Tasks.Task.WhenAll(" + workersName + ");")
                .Close();

            var statements = SyntaxFactory.ParseStatement("{\n" + setup + "\n" + producer + "}").ChildNodes().OfType<StatementSyntax>().ToArray();
            var declaration = ConcurrencyLimit.Local(limitName, limit).WithLeadingTrivia(loop.GetLeadingTrivia()).Formatted();
            var replacement = new List<SyntaxNode> { declaration };
            foreach (var statement in statements)
            {
                replacement.Add(FixSyntax.WithImports(statement));
            }

            return editor =>
            {
                editor.InsertBefore(loop, replacement);
                editor.RemoveNode(loop);
            };
        });
    }

    private static bool ContainsAwait(List<StatementSyntax> statements) =>
        statements.Any(s => s.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
            .Any(n => n is AwaitExpressionSyntax
                || (n is CommonForEachStatementSyntax f && f.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
                || (n is UsingStatementSyntax u && u.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
                || (n is LocalDeclarationStatementSyntax d && d.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))));

    /// <summary>
    /// The body reads the token ForEachAsync hands it instead of the outer one it was given in the options: that token is
    /// also cancelled when another item fails, so the running items stop with the loop. Only a plain name is rewritten
    /// (<c>cancellationToken</c>, not <c>_cts.Token</c>), and never the name part of a member access.
    /// </summary>
    private static List<StatementSyntax> UseHandedToken(List<StatementSyntax> work, string outerToken, string handedToken)
    {
        if (!SyntaxFacts.IsValidIdentifier(outerToken))
        {
            return work;
        }

        var result = new List<StatementSyntax>(work.Count);
        foreach (var statement in work)
        {
            result.Add(statement.ReplaceNodes(
                statement.DescendantNodes().OfType<IdentifierNameSyntax>().Where(name =>
                    name.Identifier.ValueText == outerToken
                    && !(name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
                    && name.Parent is not NameColonSyntax),
                (original, _) => SyntaxFactory.IdentifierName(handedToken).WithTriviaFrom(original)));
        }

        return result;
    }

    internal static bool HasParallelForEachAsync(Compilation compilation) =>
        KnownSymbols.GetOrCreate(compilation).Parallel is { } parallel && !parallel.GetMembers("ForEachAsync").IsEmpty;

    /// <summary>The loop source is an <c>IEnumerable&lt;T&gt;</c> (or <c>IAsyncEnumerable&lt;T&gt;</c> for await foreach) that Parallel.ForEachAsync takes.</summary>
    private static bool IsPlainSequence(SemanticModel model, PerItemLoop shape)
    {
        var types = KnownSymbols.GetOrCreate(model.Compilation);
        var wanted = shape.IsAsyncForEach ? types.AsyncEnumerable : types.GenericEnumerable;
        if (wanted is null || model.GetTypeInfo(shape.Loop.Expression).Type is not { } type)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, wanted))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, wanted))
            {
                return true;
            }
        }

        return false;
    }
}
