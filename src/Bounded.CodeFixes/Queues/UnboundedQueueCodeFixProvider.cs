using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4001: give the queue a capacity (<c>bounded.queue_capacity</c>, default 1024) as a named constant and make every
/// write that could now fail wait for room instead. Offered only when every write is visible and can wait.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedQueueCodeFixProvider)), Shared]
public sealed class UnboundedQueueCodeFixProvider : BoundedCodeFixProvider
{
    public const string BoundedKey = "Bounded." + RuleIds.UnboundedQueue + ".Bounded";

    private static readonly ImmutableArray<string> CarriedChannelOptions = ImmutableArray.Create("SingleReader", "SingleWriter", "AllowSynchronousContinuations");

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UnboundedQueue);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var creationSyntax = node.FirstAncestorOrSelf<SyntaxNode>(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax);
        if (creationSyntax is null)
        {
            return;
        }

        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        var operation = context.Model.GetOperation(creationSyntax, context.CancellationToken);
        UnboundedQueue queue;
        if (!(operation is IInvocationOperation invocation && QueueSites.TryGetUnboundedChannel(invocation, types, out queue))
            && !(operation is IObjectCreationOperation creation && QueueSites.TryGetUnboundedCreation(creation, types, out queue)))
        {
            return;
        }

        if (QueueSites.StorageOf(queue.Creation) is not { } storage
            || !TryPlanWrites(context, queue, storage, types, out var writes))
        {
            return;
        }

        var capacityValue = OptionCatalog.QueueCapacity.GetInteger(context.Document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider, context.Root.SyntaxTree, RuleIds.UnboundedQueue);
        if (!TryPlanCapacity(context, creationSyntax, storage.Name, capacityValue, out var capacityName, out var insertCapacity)
            || BoundedCreation(queue, creationSyntax, capacityName, types) is not { } rewriteCreation)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Bound the queue (capacity " + capacityValue + ", writers wait for room)",
            BoundedKey,
            editor =>
            {
                insertCapacity(editor);
                editor.ReplaceNode(creationSyntax, (current, _) => rewriteCreation(current).WithAdditionalAnnotations(Formatter.Annotation));
                foreach (var write in writes)
                {
                    write(editor);
                }
            }));
    }

    // ---- writes ----

    /// <summary>
    /// Finds every use of the queue's variable (a local in its member, or a private field/property in its single type
    /// declaration) and plans a waiting write for each write that ignores a failure. False when a use escapes or a write
    /// cannot wait.
    /// </summary>
    private static bool TryPlanWrites(FixContext context, UnboundedQueue queue, ISymbol storage, KnownSymbols types, out List<System.Action<SyntaxEditor>> writes)
    {
        writes = new List<System.Action<SyntaxEditor>>();
        if (Scope(storage, context.Root.SyntaxTree) is not { } scope)
        {
            return false;
        }

        var reads = new List<SyntaxNode>();
        var writeSites = new List<SyntaxNode>();
        foreach (var identifier in scope.DescendantNodes())
        {
            if (identifier is not IdentifierNameSyntax name
                || name.Identifier.ValueText != storage.Name
                || !SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol, storage))
            {
                continue;
            }

            SyntaxNode referenceSyntax = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
            if (context.Model.GetOperation(referenceSyntax, context.CancellationToken) is not { } reference)
            {
                return false;
            }

            switch (QueueSites.Classify(reference, queue.Kind, types, out var write))
            {
                case QueueUse.Neutral:
                case QueueUse.LinkedTarget:
                    continue;
                case QueueUse.Read:
                    reads.Add(referenceSyntax);
                    continue;
                case QueueUse.WaitingWrite:
                    writeSites.Add(referenceSyntax);
                    continue;
                case QueueUse.Assigned:
                    if (reference.Parent is ISimpleAssignmentOperation { Value: var value } && value.WithoutConversions().Syntax == queue.Creation.Syntax)
                    {
                        continue;
                    }

                    return false;
                case QueueUse.TryWrite when write is not null && WaitingWrite(write, queue.Kind) is { } rewrite:
                    writes.Add(rewrite);
                    writeSites.Add(referenceSyntax);
                    continue;
                case QueueUse.Escapes when QueueSites.WriterAlias(reference) is { } alias:
                    if (!TryPlanAliasWrites(context, alias, writes, writeSites))
                    {
                        return false;
                    }

                    continue;
                default:
                    return false; // escapes, a filtered link, or a write that cannot wait
            }
        }

        return queue.Creation.Type.IsType(types.ActionBlock) || HasConcurrentConsumer(reads, writeSites);
    }

    /// <summary>Every use of a writer alias must be a write or a completion on it; ignored <c>TryWrite</c>s are planned.</summary>
    private static bool TryPlanAliasWrites(FixContext context, ILocalSymbol alias, List<System.Action<SyntaxEditor>> writes, List<SyntaxNode> writeSites)
    {
        if (Scope(alias, context.Root.SyntaxTree) is not { } scope)
        {
            return false;
        }

        foreach (var node in scope.DescendantNodes())
        {
            if (node is not IdentifierNameSyntax name
                || name.Identifier.ValueText != alias.Name
                || !SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol, alias))
            {
                continue;
            }

            if (context.Model.GetOperation(name, context.CancellationToken) is not { } reference)
            {
                return false;
            }

            switch (QueueSites.ClassifyWriterUse(reference, out var write))
            {
                case QueueUse.Neutral:
                    break;
                case QueueUse.WaitingWrite:
                    writeSites.Add(name);
                    break;
                case QueueUse.TryWrite when write is not null && WaitingWrite(write, QueueKind.Channel) is { } rewrite:
                    writes.Add(rewrite);
                    writeSites.Add(name);
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A bounded queue only works when something drains it while it is written: a write that waits for room before any
    /// consumer runs waits forever. Sound enough: some read (a reader use, <c>Take</c>, <c>Receive</c>, <c>LinkTo</c>) is in
    /// another member than every write (a consumer loop started elsewhere), or comes before every write of the same member
    /// (a consumer task started before the producer loop). "Fill, then drain" code gets no fix.
    /// </summary>
    private static bool HasConcurrentConsumer(List<SyntaxNode> reads, List<SyntaxNode> writes)
    {
        foreach (var read in reads)
        {
            var readMember = Member(read);
            var concurrent = true;
            foreach (var write in writes)
            {
                if (Member(write) == readMember && read.SpanStart > write.SpanStart)
                {
                    concurrent = false;
                    break;
                }
            }

            if (concurrent)
            {
                return true;
            }
        }

        return false;
    }

    private static SyntaxNode? Member(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is GlobalStatementSyntax)
            {
                return current.Parent;
            }

            if (current is MemberDeclarationSyntax and not TypeDeclarationSyntax)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The member (local) or type declaration (private field or property declared once) where every use is written.</summary>
    private static SyntaxNode? Scope(ISymbol storage, SyntaxTree tree)
    {
        switch (storage)
        {
            case ILocalSymbol local when local.DeclaringSyntaxReferences.Length == 1:
                var declaration = local.DeclaringSyntaxReferences[0].GetSyntax();
                for (var current = declaration; current is not null; current = current.Parent)
                {
                    if (current is GlobalStatementSyntax)
                    {
                        return current.Parent;
                    }

                    if (current is MemberDeclarationSyntax)
                    {
                        return current;
                    }
                }

                return null;
            case IFieldSymbol or IPropertySymbol when storage.DeclaredAccessibility == Accessibility.Private
                && storage.ContainingType is { DeclaringSyntaxReferences.Length: 1 } type
                && type.DeclaringSyntaxReferences[0].SyntaxTree == tree:
                return type.DeclaringSyntaxReferences[0].GetSyntax();
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>TryWrite(x)</c> → <c>await WriteAsync(x)</c>, <c>Post(x)</c> → <c>await SendAsync(x)</c>, <c>TryAdd(x)</c> → <c>Add(x)</c>,
    /// for a call whose result is ignored; null when the result is used or the call cannot wait.
    /// </summary>
    private static System.Action<SyntaxEditor>? WaitingWrite(IInvocationOperation write, QueueKind kind)
    {
        if (write.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call
            || call.ArgumentList.Arguments.Count != 1)
        {
            return null;
        }

        ExpressionSyntax replaced = call;
        switch (write.Parent)
        {
            case IExpressionStatementOperation:
                break;
            case ISimpleAssignmentOperation { Target: IDiscardOperation, Parent: IExpressionStatementOperation } discard:
                replaced = (ExpressionSyntax)discard.Syntax;
                break;
            default:
                return null;
        }

        var waitingName = kind switch
        {
            QueueKind.Channel => "WriteAsync",
            QueueKind.DataflowBlock => "SendAsync",
            _ => "Add",
        };
        var awaits = kind != QueueKind.BlockingCollection;
        if (awaits && !FixSyntax.CanAwaitAt(call))
        {
            return null;
        }

        return editor => editor.ReplaceNode(replaced, (current, _) =>
        {
            var currentCall = current as InvocationExpressionSyntax
                ?? (InvocationExpressionSyntax)((AssignmentExpressionSyntax)current).Right;
            var currentAccess = (MemberAccessExpressionSyntax)currentCall.Expression;
            var waiting = currentCall.WithExpression(currentAccess.WithName(IdentifierName(waitingName).WithTriviaFrom(currentAccess.Name)));
            ExpressionSyntax result = awaits ? AwaitExpression(waiting.WithoutLeadingTrivia()) : waiting.WithoutLeadingTrivia();
            return result.WithLeadingTrivia(current.GetLeadingTrivia()).WithTrailingTrivia(current.GetTrailingTrivia());
        });
    }

    // ---- capacity ----

    /// <summary>
    /// <c>const int channelCapacity = N;</c> (named after the variable) before the statement that creates the queue, or a
    /// <c>private const int EventsCapacity</c>
    /// before the field or property it initializes.
    /// </summary>
    private static bool TryPlanCapacity(FixContext context, SyntaxNode creation, string storageName, int value, out string name, out System.Action<SyntaxEditor> insert)
    {
        var stem = Stem(storageName);
        var literal = LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(value));
        if (FixSyntax.StatementInBlock(creation) is { } statement)
        {
            var localName = context.Names.Allocate(statement, char.ToLowerInvariant(stem[0]) + stem.Substring(1) + "Capacity");
            name = localName;
            insert = editor => editor.InsertBefore(statement, LocalDeclarationStatement(
                    TokenList(Token(SyntaxKind.ConstKeyword)),
                    VariableDeclaration(
                        PredefinedType(Token(SyntaxKind.IntKeyword)),
                        SingletonSeparatedList(VariableDeclarator(localName).WithInitializer(EqualsValueClause(literal)))))
                .WithLeadingTrivia(Indentation(statement))
                .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation));
            return true;
        }

        var member = creation.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (member is not (FieldDeclarationSyntax or PropertyDeclarationSyntax) || member.Parent is not TypeDeclarationSyntax type
            || context.Model.GetDeclaredSymbol(type, context.CancellationToken) is not { } typeSymbol)
        {
            name = "";
            insert = _ => { };
            return false;
        }

        var baseName = char.ToUpperInvariant(stem[0]) + stem.Substring(1) + "Capacity";
        var fieldName = context.Names.Allocate(type, baseName);
        while (!typeSymbol.GetMembers(fieldName).IsEmpty)
        {
            fieldName = context.Names.Allocate(type, baseName);
        }

        name = fieldName;
        insert = editor => editor.InsertBefore(member, FieldDeclaration(
                VariableDeclaration(
                    PredefinedType(Token(SyntaxKind.IntKeyword)),
                    SingletonSeparatedList(VariableDeclarator(fieldName).WithInitializer(EqualsValueClause(literal)))))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword), Token(SyntaxKind.ConstKeyword)))
            .WithLeadingTrivia(Indentation(member))
            .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation));
        return true;
    }

    /// <summary>The whitespace that indents <paramref name="node"/>'s first line, without the comments and blank lines above it.</summary>
    private static SyntaxTriviaList Indentation(SyntaxNode node)
    {
        var leading = node.GetLeadingTrivia();
        var start = leading.Count;
        while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            start--;
        }

        var indentation = SyntaxTriviaList.Empty;
        for (var i = start; i < leading.Count; i++)
        {
            indentation = indentation.Add(leading[i]);
        }

        return indentation;
    }

    /// <summary>The variable's name without field prefixes: <c>_events</c> → <c>events</c>; <c>queue</c> when nothing is left.</summary>
    private static string Stem(string name)
    {
        var start = name.StartsWith("m_", System.StringComparison.Ordinal) || name.StartsWith("s_", System.StringComparison.Ordinal) ? 2 : 0;
        while (start < name.Length && name[start] == '_')
        {
            start++;
        }

        return start < name.Length ? name.Substring(start) : "queue";
    }

    // ---- the creation ----

    private static System.Func<SyntaxNode, SyntaxNode>? BoundedCreation(UnboundedQueue queue, SyntaxNode creation, string capacityName, KnownSymbols types)
    {
        var capacity = IdentifierName(capacityName);
        switch (queue.Kind)
        {
            case QueueKind.Channel:
                return BoundedChannel(queue, creation, capacity);
            case QueueKind.BlockingCollection:
                if (creation is not BaseObjectCreationExpressionSyntax { Initializer: null } collection || HasNamedArgument(collection.ArgumentList))
                {
                    return null; // a collection initializer would block on its own Add once the capacity is reached
                }

                return current =>
                {
                    var node = (BaseObjectCreationExpressionSyntax)current;
                    return node.WithArgumentList((node.ArgumentList ?? ArgumentList()).AddArguments(Argument(capacity)));
                };
            case QueueKind.DataflowBlock:
                return BoundedBlock(queue, creation, capacity, types);
            default:
                return null;
        }
    }

    /// <summary><c>Channel.CreateBounded&lt;T&gt;(new BoundedChannelOptions(capacity) { …carried…, FullMode = Wait })</c>.</summary>
    private static System.Func<SyntaxNode, SyntaxNode>? BoundedChannel(UnboundedQueue queue, SyntaxNode creation, IdentifierNameSyntax capacity)
    {
        if (creation is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax } })
        {
            return null;
        }

        var carried = new List<ExpressionSyntax>();
        if (queue.Options is { } options)
        {
            if (options.Value.WithoutConversions() is not IObjectCreationOperation { Arguments.Length: 0 } optionsCreation
                || optionsCreation.Syntax is not BaseObjectCreationExpressionSyntax optionsSyntax)
            {
                return null;
            }

            if (optionsSyntax.Initializer is { } initializer)
            {
                foreach (var expression in initializer.Expressions)
                {
                    if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax property } assignment
                        || CarriedChannelOptions.IndexOf(property.Identifier.ValueText) < 0)
                    {
                        return null; // an option we do not know how to carry over
                    }

                    carried.Add(assignment.WithoutTrivia());
                }
            }
        }

        carried.Add(AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            IdentifierName("FullMode"),
            FixSyntax.QualifiedName("System.Threading.Channels.BoundedChannelFullMode.Wait")));
        var boundedOptions = ObjectCreationExpression(FixSyntax.QualifiedType("System.Threading.Channels.BoundedChannelOptions"))
            .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(capacity))))
            .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SeparatedList(carried)));

        return current =>
        {
            var call = (InvocationExpressionSyntax)current;
            var access = (MemberAccessExpressionSyntax)call.Expression;
            var generic = (GenericNameSyntax)access.Name;
            return call
                .WithExpression(access.WithName(generic.WithIdentifier(Identifier("CreateBounded").WithTriviaFrom(generic.Identifier))))
                .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(boundedOptions))).WithTriviaFrom(call.ArgumentList));
        };
    }

    /// <summary>Adds <c>BoundedCapacity = capacity</c> to the block's options, creating the options argument when there is none.</summary>
    private static System.Func<SyntaxNode, SyntaxNode>? BoundedBlock(UnboundedQueue queue, SyntaxNode creation, IdentifierNameSyntax capacity, KnownSymbols types)
    {
        if (creation is not BaseObjectCreationExpressionSyntax blockSyntax || blockSyntax.ArgumentList is null || HasNamedArgument(blockSyntax.ArgumentList))
        {
            return null;
        }

        var boundedCapacity = AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName("BoundedCapacity"), capacity);
        if (queue.Options is null)
        {
            if (OptionsTypeToAdd((IObjectCreationOperation)queue.Creation, types) is not { } optionsType)
            {
                return null;
            }

            var options = ObjectCreationExpression(FixSyntax.QualifiedType(optionsType))
                .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(boundedCapacity)));
            return current =>
            {
                var node = (BaseObjectCreationExpressionSyntax)current;
                return node.WithArgumentList(node.ArgumentList!.AddArguments(Argument(options)));
            };
        }

        if (queue.Options.Value.WithoutConversions() is not IObjectCreationOperation { Syntax: BaseObjectCreationExpressionSyntax optionsSyntax })
        {
            return null; // options held in a variable may be shared with other blocks
        }

        var optionsSpan = optionsSyntax.Span;
        var creationStart = creation.SpanStart;
        return current =>
        {
            var node = (BaseObjectCreationExpressionSyntax)current;
            var inner = node.DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>(optionsSpan.Start - creationStart + node.SpanStart, optionsSpan.Length);
            if (inner is null)
            {
                return node;
            }

            BaseObjectCreationExpressionSyntax bounded;
            if (inner.Initializer is null)
            {
                bounded = inner.WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(boundedCapacity)));
            }
            else
            {
                var expressions = inner.Initializer.Expressions;
                var replacedExisting = false;
                for (var i = 0; i < expressions.Count; i++)
                {
                    if (expressions[i] is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "BoundedCapacity" } } existing)
                    {
                        expressions = expressions.Replace(existing, existing.WithRight(capacity.WithTriviaFrom(existing.Right)));
                        replacedExisting = true;
                    }
                }

                bounded = inner.WithInitializer(inner.Initializer.WithExpressions(replacedExisting ? expressions : expressions.Add(boundedCapacity)));
            }

            return node.ReplaceNode(inner, bounded.WithAdditionalAnnotations(Formatter.Annotation));
        };
    }

    /// <summary>The options type of the constructor that takes the same arguments plus options.</summary>
    private static string? OptionsTypeToAdd(IObjectCreationOperation creation, KnownSymbols types)
    {
        var constructor = creation.Constructor;
        if (constructor is null || creation.Type is not INamedTypeSymbol type)
        {
            return null;
        }

        foreach (var candidate in type.InstanceConstructors)
        {
            if (candidate.Parameters.Length != constructor.Parameters.Length + 1)
            {
                continue;
            }

            var same = true;
            for (var i = 0; i < constructor.Parameters.Length && same; i++)
            {
                same = SymbolEqualityComparer.Default.Equals(candidate.Parameters[i].Type, constructor.Parameters[i].Type);
            }

            var last = candidate.Parameters[candidate.Parameters.Length - 1].Type;
            if (same && types.IsDataflowOptions(last))
            {
                return last.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            }
        }

        return null;
    }

    private static bool HasNamedArgument(ArgumentListSyntax? arguments)
    {
        if (arguments is null)
        {
            return false;
        }

        foreach (var argument in arguments.Arguments)
        {
            if (argument.NameColon is not null)
            {
                return true;
            }
        }

        return false;
    }
}

internal static class SyntaxNodeSearch
{
    /// <summary>The descendant of type <typeparamref name="T"/> with exactly the given span.</summary>
    public static T? OfType<T>(this IEnumerable<SyntaxNode> nodes, int start, int length)
        where T : SyntaxNode
    {
        foreach (var node in nodes)
        {
            if (node is T typed && typed.SpanStart == start && typed.Span.Length == length)
            {
                return typed;
            }
        }

        return null;
    }
}
