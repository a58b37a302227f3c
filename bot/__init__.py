"""Maillage's platform-free core. No module here imports telegram or discord (a test enforces it).

The map of the package:

The seam between the core and the platforms
    types         neutral value types: UserRef, ChatRef, events in, Reply and Button out
    ports         the ChatAdapter protocol an adapter implements, and its typed delivery errors
    registry      commands, button actions, flows, completers, personal-data holders
    core          BotCore.handle(event) -> Replies: one transaction per event, roles checked;
                  BotCore.complete(event, name, text) for autocomplete
    context       what a handler gets (the person, their language, the session, the services)
    conversation  multi-step flows kept in the database
    payloads      strict parsing of what a button carries (forgeable)
    text          text cleaned at the door (clean_event) and escaped for terminals (for_terminal)
    throttle      limits on guessing join and /link codes
    platform_state  what adapters keep about their platform, read and written through the core
    clock, words  time for tests and jobs; the words people type instead of pressing a button

The composition
    app           build_app / run_app and FEATURES, the explicit list of what the bot does in chat
    application   the App value the jobs and the web face receive
    cli/          `maillage ...`;  config/  TOML -> frozen dataclasses;  i18n/  fr and en messages
    demo/         the seeded demo network;  plugins  modules offering a hook (jobs, CLI, web)
    reference_data  venues and skills from the config and the taxonomy, synced at start

One package per capability (its logic, and its chat handlers in `chat/`)
    members/      joining, onboarding, profiles, contacts across platforms, languages
    skills/       the FR/EN taxonomy and the fuzzy resolver; /offer, /need, /interest
    venues/       the network's places; /venues and the venue picker
    directory/    /find and introduction requests between members; visibility: the one consent rule
    hosts/        hosts of venues and the chats they bind; the hosts' group, pulse, suggestions, figures
    events/       the programme: /event, /agenda, RSVPs, announcements
    feeds/        calendar feeds in, iCalendar out
    matchmaking/  scheduled introduction rounds; engine/ is the pure scoring and solving
    campaigns/    animators' campaigns;  wall/  the live wall;  report/  the funders' report
    partners/     partner organisations and their opportunities
    imports/      venues and members from CSV files

Shared services
    outbox/       notify (the one path to message a member), the attention budget, the dispatcher
    timeparse/    French and English dates and times as people type them
    features/     what belongs to no capability: /help, /cancel, /language, /mydata and /forget
                  (erasure: the sweep of messages about the person, the list of erased people)
"""
