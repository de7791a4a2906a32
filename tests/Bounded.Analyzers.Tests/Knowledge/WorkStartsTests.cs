using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace Bounded.Analyzers.Tests.Knowledge;

/// <summary>
/// The one work-start recogniser: every start shape gets its kind and work, and the named subsets the rules filter
/// by (pool work for BND1001, a dedicated thread for BND1003, a task spawn for BND2001/BND2002) say what they claim.
/// </summary>
public class WorkStartsTests
{
    private static WorkStart Recognize(string expression)
    {
        var source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public class C
            {
                public void M(Task antecedent, Thread thread)
                {
                    var value = EXPRESSION;
                }
            }
            """.Replace("EXPRESSION", expression);
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("WorkStarts", new[] { tree }, TestEnvironment.NetReferences, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var model = compilation.GetSemanticModel(tree);
        var initializer = tree.GetRoot().DescendantNodes().OfType<EqualsValueClauseSyntax>().Single().Value;
        var operation = model.GetOperation(initializer)!.WithoutConversions();
        return WorkStarts.Recognize(operation, KnownSymbols.GetOrCreate(compilation));
    }

    [Theory]
    [InlineData("Task.Run(() => 1)", "TaskRun", "Task.Run", true, false, true)]
    [InlineData("Task.Factory.StartNew(() => 1)", "StartNew", "Task.Factory.StartNew", true, false, true)]
    [InlineData("Task.Factory.StartNew(() => 1, TaskCreationOptions.LongRunning)", "StartNew", "Task.Factory.StartNew(LongRunning)", false, true, true)]
    [InlineData("ThreadPool.QueueUserWorkItem(_ => { })", "ThreadPoolItem", "ThreadPool.QueueUserWorkItem", true, false, false)]
    [InlineData("ThreadPool.UnsafeQueueUserWorkItem(_ => { }, null)", "ThreadPoolItem", "ThreadPool.UnsafeQueueUserWorkItem", true, false, false)]
    [InlineData("new Thread(() => { })", "NewThread", "new Thread", false, true, false)]
    [InlineData("antecedent.ContinueWith(t => 1)", "Continuation", "ContinueWith", false, false, false)]
    public void RecognisesEachShape(string expression, string kind, string display, bool poolWork, bool dedicatedThread, bool taskSpawn)
    {
        var start = Recognize(expression);
        Assert.Equal(kind, start.Kind.ToString());
        Assert.Equal(display, start.DisplayName);
        Assert.Equal(poolWork, start.IsPoolWork);
        Assert.Equal(dedicatedThread, start.IsDedicatedThread);
        Assert.Equal(taskSpawn, start.IsTaskSpawn);
        Assert.NotNull(start.Work);
        Assert.True(start.Work!.WithoutConversions() is IAnonymousFunctionOperation or IDelegateCreationOperation);
    }

    [Fact]
    public void TaskStartOfANewTaskKnowsItsWorkAndLongRunning()
    {
        var plain = Recognize("(new Task(() => { }), 0).Item1");
        Assert.False(plain.Exists); // a task that is only created starts nothing

        var started = RecognizeStatement("new Task(() => { }, TaskCreationOptions.LongRunning).Start();");
        Assert.Equal(WorkStartKind.TaskStart, started.Kind);
        Assert.True(started.IsLongRunning);
        Assert.True(started.IsDedicatedThread);
        Assert.NotNull(started.Work);
    }

    [Fact]
    public void ThreadStartAndLookAlikesThatStartNothing()
    {
        Assert.Equal(WorkStartKind.ThreadStart, RecognizeStatement("thread.Start();").Kind);
        Assert.False(Recognize("Task.FromResult(1)").Exists);
        Assert.False(Recognize("Task.WhenAll(antecedent)").Exists);
        Assert.False(Recognize("Task.Delay(1)").Exists);
    }

    private static WorkStart RecognizeStatement(string statement)
    {
        var source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public class C
            {
                public void M(Task antecedent, Thread thread)
                {
                    STATEMENT
                }
            }
            """.Replace("STATEMENT", statement);
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("WorkStarts", new[] { tree }, TestEnvironment.NetReferences, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var model = compilation.GetSemanticModel(tree);
        var invocation = tree.GetRoot().DescendantNodes().OfType<ExpressionStatementSyntax>().Single().Expression;
        return WorkStarts.Recognize(model.GetOperation(invocation)!, KnownSymbols.GetOrCreate(compilation));
    }
}
