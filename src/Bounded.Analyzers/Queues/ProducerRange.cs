using System.Collections.Generic;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

/// <summary>
/// The statements of a producer that its completion must guard: from the statement holding the first write to the one
/// holding the last write (or the existing completion), all in one block of the producer. Found only where wrapping
/// them in <c>try</c> keeps the code compiling and the reads outside: no read to the end inside, no <c>yield</c>, no
/// <c>using</c> declaration, and no local declared inside that is used after it.
/// </summary>
internal sealed class ProducerRange
{
    private ProducerRange(StatementSyntax first, StatementSyntax last)
    {
        First = first;
        Last = last;
    }

    public StatementSyntax First { get; }
    public StatementSyntax Last { get; }

    public static ProducerRange? Find(ChannelUses uses, IOperation producer, StatementSyntax? completion)
    {
        var nodes = new List<SyntaxNode>();
        foreach (var write in uses.Writes)
        {
            if (ReferenceEquals(AcquireReleaseAnalysis.FunctionOf(write), producer))
            {
                nodes.Add(write.Syntax);
            }
        }

        if (nodes.Count == 0)
        {
            return null;
        }

        if (completion is not null)
        {
            nodes.Add(completion);
        }

        var block = CommonBlock(nodes, producer.Syntax);
        if (block is null)
        {
            return null;
        }

        var firstIndex = int.MaxValue;
        var lastIndex = -1;
        foreach (var node in nodes)
        {
            var index = IndexIn(block, node);
            if (index < 0)
            {
                return null;
            }

            firstIndex = System.Math.Min(firstIndex, index);
            lastIndex = System.Math.Max(lastIndex, index);
        }

        var statements = block.Statements;
        if (completion is not null && (completion.Parent != block || statements.IndexOf(completion) != lastIndex || IndexOfWritesAt(block, nodes, completion)))
        {
            return null;
        }

        var first = statements[firstIndex];
        var last = statements[lastIndex];
        var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(first.SpanStart, last.Span.End);
        foreach (var drain in uses.Drains)
        {
            if (span.Contains(drain.Operation.Syntax.Span))
            {
                return null;
            }
        }

        foreach (var awaited in uses.DrainAwaits)
        {
            if (span.Contains(awaited.Syntax.Span))
            {
                return null;
            }
        }

        var declared = new List<string>();
        for (var i = firstIndex; i <= lastIndex; i++)
        {
            var statement = statements[i];
            if (statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } or LabeledStatementSyntax or LocalFunctionStatementSyntax)
            {
                return null;
            }

            if (statement is LocalDeclarationStatementSyntax local)
            {
                foreach (var variable in local.Declaration.Variables)
                {
                    declared.Add(variable.Identifier.ValueText);
                }
            }

            foreach (var node in statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is YieldStatementSyntax)
                {
                    return null;
                }

                if (node is SingleVariableDesignationSyntax designation) // out var and pattern variables can be in scope after the statement
                {
                    declared.Add(designation.Identifier.ValueText);
                }
            }
        }

        for (var i = lastIndex + 1; i < statements.Count; i++)
        {
            foreach (var node in statements[i].DescendantNodesAndSelf())
            {
                if (node is IdentifierNameSyntax name && declared.Contains(name.Identifier.ValueText))
                {
                    return null;
                }
            }
        }

        return new ProducerRange(first, last);
    }

    private static bool IndexOfWritesAt(BlockSyntax block, List<SyntaxNode> nodes, StatementSyntax completion)
    {
        foreach (var node in nodes)
        {
            if (node != completion && completion.Span.Contains(node.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The innermost block holding every node, inside <paramref name="function"/> and not across a nested function.</summary>
    private static BlockSyntax? CommonBlock(List<SyntaxNode> nodes, SyntaxNode function)
    {
        for (var current = nodes[0].Parent; current is not null && current != function; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return null;
            }

            if (current is BlockSyntax block && ContainsAll(block, nodes) && !InLoop(block, function))
            {
                return block;
            }
        }

        return null;
    }

    /// <summary>A block inside a loop of the producer runs once per item: completing there would end the channel after the first.</summary>
    private static bool InLoop(SyntaxNode block, SyntaxNode function)
    {
        for (var current = block.Parent; current is not null && current != function; current = current.Parent)
        {
            if (current is ForEachStatementSyntax or ForEachVariableStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsAll(BlockSyntax block, List<SyntaxNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (!block.Span.Contains(node.Span))
            {
                return false;
            }
        }

        return true;
    }

    private static int IndexIn(BlockSyntax block, SyntaxNode node)
    {
        for (var current = node; current is not null && current != block; current = current.Parent)
        {
            if (current.Parent == block && current is StatementSyntax statement)
            {
                return block.Statements.IndexOf(statement);
            }

            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return -1;
            }
        }

        return -1;
    }
}
