using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>How a call starts work that runs apart from its caller.</summary>
internal enum WorkStartKind
{
    None,

    /// <summary><c>Task.Run(work)</c>.</summary>
    TaskRun,

    /// <summary><c>Task.Factory.StartNew(work)</c> (any <c>TaskFactory</c>).</summary>
    StartNew,

    /// <summary><c>task.Start()</c>; the work is known when the task is <c>new Task(work)</c> right there.</summary>
    TaskStart,

    /// <summary><c>ThreadPool.QueueUserWorkItem</c> / <c>UnsafeQueueUserWorkItem</c>.</summary>
    ThreadPoolItem,

    /// <summary><c>new Thread(work)</c>: the thread exists from here, whether or not it is started here.</summary>
    NewThread,

    /// <summary><c>thread.Start()</c>.</summary>
    ThreadStart,

    /// <summary><c>task.ContinueWith(work)</c>: work scheduled for when another task ends.</summary>
    Continuation,
}

/// <summary>A recognised start of work: what kind, the call or creation that starts it, and the delegate (or task) that is the work.</summary>
internal readonly struct WorkStart
{
    public WorkStart(WorkStartKind kind, IOperation site, IOperation? work, bool isLongRunning)
    {
        Kind = kind;
        Site = site;
        Work = work;
        IsLongRunning = isLongRunning;
    }

    public WorkStartKind Kind { get; }

    /// <summary>The invocation or object creation that starts the work.</summary>
    public IOperation Site { get; }

    /// <summary>The work: the delegate argument, or the first argument of the <c>new Task(...)</c> being started; null when not known.</summary>
    public IOperation? Work { get; }

    /// <summary><c>TaskCreationOptions.LongRunning</c> passed as a constant: the task gets a dedicated thread.</summary>
    public bool IsLongRunning { get; }

    public bool Exists => Kind != WorkStartKind.None;

    /// <summary>Runs on the thread pool, one pool item per start: <c>Task.Run</c>, <c>StartNew</c>/<c>Task.Start</c> without LongRunning, a thread-pool item (BND1001).</summary>
    public bool IsPoolWork => Kind switch
    {
        WorkStartKind.TaskRun or WorkStartKind.ThreadPoolItem => true,
        WorkStartKind.StartNew or WorkStartKind.TaskStart => !IsLongRunning,
        _ => false,
    };

    /// <summary>Gets a dedicated OS thread: <c>new Thread</c>, or <c>StartNew</c>/<c>Task.Start</c> with LongRunning (BND1003).</summary>
    public bool IsDedicatedThread => Kind == WorkStartKind.NewThread
        || (Kind is WorkStartKind.StartNew or WorkStartKind.TaskStart && IsLongRunning);

    /// <summary><c>Task.Run</c> or <c>StartNew</c>: a delegate handed over to run as a new task.</summary>
    public bool IsTaskSpawn => Kind is WorkStartKind.TaskRun or WorkStartKind.StartNew;

    /// <summary>How the message names the start: <c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>ThreadPool.QueueUserWorkItem</c> …</summary>
    public string DisplayName => Kind switch
    {
        WorkStartKind.TaskRun => "Task.Run",
        WorkStartKind.StartNew => IsLongRunning ? "Task.Factory.StartNew(LongRunning)" : "Task.Factory.StartNew",
        WorkStartKind.TaskStart => IsLongRunning ? "Task.Start(LongRunning)" : "Task.Start",
        WorkStartKind.ThreadPoolItem => "ThreadPool." + ((IInvocationOperation)Site).TargetMethod.Name,
        WorkStartKind.NewThread => "new Thread",
        WorkStartKind.ThreadStart => "Thread.Start",
        WorkStartKind.Continuation => "ContinueWith",
        _ => "",
    };
}

/// <summary>
/// The one recogniser of "this call starts work". Every rule asks it and then filters by kind; where a rule
/// deliberately takes a subset, the subset is a named property of <see cref="WorkStart"/>.
/// </summary>
internal static class WorkStarts
{
    /// <summary>The work started by an invocation or object creation, or a start whose <see cref="WorkStart.Exists"/> is false.</summary>
    public static WorkStart Recognize(IOperation operation, KnownSymbols types) => operation switch
    {
        IInvocationOperation invocation => Recognize(invocation, types),
        IObjectCreationOperation creation when creation.Type.IsType(types.Thread) && types.Thread is not null =>
            new WorkStart(WorkStartKind.NewThread, creation, FirstArgument(creation.Arguments), isLongRunning: false),
        _ => default,
    };

    public static WorkStart Recognize(IInvocationOperation invocation, KnownSymbols types)
    {
        var method = invocation.TargetMethod;
        switch (method.Name)
        {
            case "Run" when method.IsStatic && method.IsMethodOf(types.Task, "Run"):
                return new WorkStart(WorkStartKind.TaskRun, invocation, FirstArgument(invocation.Arguments), isLongRunning: false);
            case "StartNew" when method.IsMethodOf(types.TaskFactory, "StartNew") || method.IsMethodOf(types.GenericTaskFactory, "StartNew"):
                return new WorkStart(WorkStartKind.StartNew, invocation, FirstArgument(invocation.Arguments), IsLongRunning(invocation.Arguments, types));
            case "Start" when !method.IsStatic && method.Parameters.Length <= 1
                && (method.IsMethodOf(types.Task, "Start") || method.IsMethodOf(types.GenericTask, "Start")):
                return invocation.Instance?.WithoutConversions() is IObjectCreationOperation task
                    ? new WorkStart(WorkStartKind.TaskStart, invocation, FirstArgument(task.Arguments), IsLongRunning(task.Arguments, types))
                    : new WorkStart(WorkStartKind.TaskStart, invocation, null, isLongRunning: false);
            case "Start" when !method.IsStatic && method.IsMethodOf(types.Thread, "Start"):
                return new WorkStart(WorkStartKind.ThreadStart, invocation, null, isLongRunning: false);
            case "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when method.IsStatic
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.ThreadPool):
                return new WorkStart(WorkStartKind.ThreadPoolItem, invocation, FirstArgument(invocation.Arguments), isLongRunning: false);
            case "ContinueWith" when method.IsMethodOf(types.Task, "ContinueWith") || method.IsMethodOf(types.GenericTask, "ContinueWith"):
                return new WorkStart(WorkStartKind.Continuation, invocation, FirstArgument(invocation.Arguments), isLongRunning: false);
            default:
                return default;
        }
    }

    /// <summary>The argument bound to the first parameter (named arguments may come in any order).</summary>
    private static IOperation? FirstArgument(ImmutableArray<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>Whether TaskCreationOptions.LongRunning is passed as a constant.</summary>
    private static bool IsLongRunning(ImmutableArray<IArgumentOperation> arguments, KnownSymbols types)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Type.IsType(types.TaskCreationOptions) == true
                && argument.Value.ConstantValue is { HasValue: true, Value: int flags }
                && (flags & 2) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
