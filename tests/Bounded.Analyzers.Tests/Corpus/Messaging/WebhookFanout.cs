// Delivers an event to the webhook subscriptions of a tenant. The subscriptions come from the database (input the
// service does not control); dropping the delivery task per subscription starts them all at once, unobserved.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Messaging.Webhooks
{
    public sealed record Subscription(Guid Id, Uri Callback, string Secret);

    public sealed record WebhookEvent(string Type, string PayloadJson);

    public interface ISubscriptionStore
    {
        Task<IReadOnlyList<Subscription>> ForTenantAsync(string tenant, CancellationToken cancellationToken);

        Task<int> FailureCountAsync(Guid subscription, CancellationToken cancellationToken);
    }

    public interface IWebhookSender
    {
        Task DeliverAsync(Subscription subscription, WebhookEvent webhookEvent, CancellationToken cancellationToken = default);
    }

    public sealed class WebhookFanout
    {
        private readonly ISubscriptionStore _store;
        private readonly IWebhookSender _sender;
        private readonly ILogger<WebhookFanout> _logger;
        private readonly List<IWebhookSender> _auditSinks = new();

        public WebhookFanout(ISubscriptionStore store, IWebhookSender sender, ILogger<WebhookFanout> logger)
        {
            _store = store;
            _sender = sender;
            _logger = logger;
        }

        public async Task PublishAsync(string tenant, WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            var subscriptions = await _store.ForTenantAsync(tenant, cancellationToken);
            foreach (var subscription in subscriptions)
            {
                _ = _sender.DeliverAsync(subscription, webhookEvent, cancellationToken); // expect BND1001
            }

            // Not reported: the audit sinks are the service's own components (an interface list it fills itself).
            foreach (var sink in _auditSinks)
            {
                _ = sink.DeliverAsync(new Subscription(Guid.Empty, new Uri("audit:local"), ""), webhookEvent, cancellationToken);
            }

            _logger.LogInformation("Published {Type} to {Count} subscriptions", webhookEvent.Type, subscriptions.Count);
        }

        public async Task<int> FailingSubscriptionsAsync(string tenant, CancellationToken cancellationToken)
        {
            var subscriptions = await _store.ForTenantAsync(tenant, cancellationToken);
            var counts = new List<Task<int>>();
            foreach (var subscription in subscriptions)
            {
                counts.Add(_store.FailureCountAsync(subscription.Id, cancellationToken).ContinueWith(t => t.Result > 3 ? 1 : 0, TaskScheduler.Default)); // expect BND1002
            }

            return (await Task.WhenAll(counts)).Sum();
        }

        // Not reported: each delivery is awaited before the next.
        public async Task PublishInOrderAsync(string tenant, WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            foreach (var subscription in await _store.ForTenantAsync(tenant, cancellationToken))
            {
                await _sender.DeliverAsync(subscription, webhookEvent, cancellationToken);
            }
        }
    }
}
