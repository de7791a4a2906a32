using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1003: a thread (or long-running task) per item is reported. Every case runs all three BND1001–BND1003 analyzers.</summary>
public class BND1003ReportsTests
{
    [Fact]
    public Task ThreadPerConnection() => Reports("""
            public void Serve(TcpListener listener)
            {
                while (true)
                {
                    var client = listener.AcceptTcpClient();
                    {|#0:new Thread|}(() => Handle(client)) { IsBackground = true }.Start();
                }
            }
        """, BND1003(0));

    [Fact]
    public Task ThreadInLocalStartedPerFile() => Reports("""
            public void IndexAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    var thread = {|#0:new Thread|}(() => Index(path));
                    thread.Start();
                }
            }
        """, BND1003(0));

    [Fact]
    public Task LongRunningStartNewPerQueue() => Reports("""
            public void Listen(IEnumerable<BlockingCollection<Message>> queues)
            {
                foreach (var queue in queues)
                {
                    {|#0:Task.Factory.StartNew|}(() =>
                    {
                        foreach (var message in queue.GetConsumingEnumerable())
                        {
                            _handler.HandleAsync(message, CancellationToken.None).Wait();
                        }
                    }, TaskCreationOptions.LongRunning);
                }
            }
        """, BND1003(0, "Task.Factory.StartNew(LongRunning)"));

    [Fact]
    public Task LongRunningNewTaskStart() => Reports("""
            public void Listen(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    new Task(() => Index(path), TaskCreationOptions.LongRunning).{|#0:Start|}();
                }
            }
        """, BND1003(0, "Task.Start(LongRunning)"));
}
