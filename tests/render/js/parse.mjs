// Parse .ics files with Mozilla's ical.js and print what each holds as JSON.
// Usage: node parse.mjs FILE.ics ...   (exit 1 with a message if a file does not parse)
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function utc(time) {
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();
}

const result = {};
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, "utf8");
  let calendar;
  try {
    calendar = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    console.error(`${path}: ${error.message}`);
    process.exit(1);
  }
  const zones = calendar.getAllSubcomponents("vtimezone");
  for (const zone of zones) {
    ICAL.TimezoneService.register(zone);
  }
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const occurrences = [];
    if (event.isRecurring()) {
      const it = event.iterator();
      for (let i = 0; i < 13; i++) {
        const next = it.next();
        if (!next) break;
        occurrences.push(utc(next));
      }
    }
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      start_local: event.startDate.toString(),
      start_utc: utc(event.startDate),
      end_utc: utc(event.endDate),
      sequence: event.sequence,
      dtstamp: component.getFirstPropertyValue("dtstamp")?.toString() ?? null,
      organizer: component.getFirstPropertyValue("organizer"),
      attendees: component.getAllProperties("attendee").map((p) => p.getFirstValue()),
      rrule: component.getFirstPropertyValue("rrule")?.toString() ?? null,
      occurrences,
      alarms: component.getAllSubcomponents("valarm").map((a) => {
        const trigger = a.getFirstPropertyValue("trigger");
        return { action: a.getFirstPropertyValue("action"), trigger_s: trigger.toSeconds() };
      }),
    };
  });
  result[path] = {
    method: calendar.getFirstPropertyValue("method"),
    uid: calendar.getFirstPropertyValue("uid"),
    timezones: zones.map((z) => z.getFirstPropertyValue("tzid")),
    events,
  };
}
process.stdout.write(JSON.stringify(result, null, 1));
