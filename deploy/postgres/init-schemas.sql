-- veta_hut's chain on PostgreSQL: one role and one schema per service (decision 0044).
-- Role vh_<service> logs in with its own password, owns schema vh_<service>, finds its tables there
-- (its search_path), and can create nothing anywhere else: no process reads another's tables.
--
-- Run it as a superuser (or the database owner with CREATEROLE) on the database the chain uses, with
-- the passwords in the environment, the same file the Kubernetes overlay's Secret is made from:
--   set -a; . deploy/k8s/overlays/chain/secrets.env; set +a
--   psql "postgresql://postgres@db.example.internal:5432/vetahut" -f deploy/postgres/init-schemas.sql
-- deploy/compose.yaml runs it in its one-shot service db-init. Running it again is harmless: it creates
-- what is missing and sets the passwords to the environment's (that is how a password is changed).
-- psql 15 or later (\getenv).
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
\getenv pw_location VH_PG_PASSWORD_LOCATION
\getenv pw_menu VH_PG_PASSWORD_MENU
\getenv pw_customer VH_PG_PASSWORD_CUSTOMER
\getenv pw_payment VH_PG_PASSWORD_PAYMENT
\getenv pw_order VH_PG_PASSWORD_ORDER
\getenv pw_kitchen VH_PG_PASSWORD_KITCHEN
\getenv pw_notification VH_PG_PASSWORD_NOTIFICATION
\getenv pw_analytics VH_PG_PASSWORD_ANALYTICS
\getenv pw_integration VH_PG_PASSWORD_INTEGRATION
\if :{?pw_location}
\else
\echo 'init-schemas: VH_PG_PASSWORD_LOCATION is not set'
\set missing_password on
\endif
\if :{?pw_menu}
\else
\echo 'init-schemas: VH_PG_PASSWORD_MENU is not set'
\set missing_password on
\endif
\if :{?pw_customer}
\else
\echo 'init-schemas: VH_PG_PASSWORD_CUSTOMER is not set'
\set missing_password on
\endif
\if :{?pw_payment}
\else
\echo 'init-schemas: VH_PG_PASSWORD_PAYMENT is not set'
\set missing_password on
\endif
\if :{?pw_order}
\else
\echo 'init-schemas: VH_PG_PASSWORD_ORDER is not set'
\set missing_password on
\endif
\if :{?pw_kitchen}
\else
\echo 'init-schemas: VH_PG_PASSWORD_KITCHEN is not set'
\set missing_password on
\endif
\if :{?pw_notification}
\else
\echo 'init-schemas: VH_PG_PASSWORD_NOTIFICATION is not set'
\set missing_password on
\endif
\if :{?pw_analytics}
\else
\echo 'init-schemas: VH_PG_PASSWORD_ANALYTICS is not set'
\set missing_password on
\endif
\if :{?pw_integration}
\else
\echo 'init-schemas: VH_PG_PASSWORD_INTEGRATION is not set'
\set missing_password on
\endif
\if :{?missing_password}
DO $$ BEGIN RAISE EXCEPTION 'init-schemas: set every VH_PG_PASSWORD_<SERVICE> (deploy/k8s/overlays/chain/secrets.env)'; END $$;
\endif

-- Nobody but the service roles (and the owner) connects; nobody creates objects in schema public.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- location
SELECT 'CREATE ROLE vh_location' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_location') \gexec
ALTER ROLE vh_location LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_location';
ALTER ROLE vh_location SET search_path = vh_location;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_location;
CREATE SCHEMA IF NOT EXISTS vh_location AUTHORIZATION vh_location;
REVOKE ALL ON SCHEMA vh_location FROM PUBLIC;

-- menu
SELECT 'CREATE ROLE vh_menu' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_menu') \gexec
ALTER ROLE vh_menu LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_menu';
ALTER ROLE vh_menu SET search_path = vh_menu;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_menu;
CREATE SCHEMA IF NOT EXISTS vh_menu AUTHORIZATION vh_menu;
REVOKE ALL ON SCHEMA vh_menu FROM PUBLIC;

-- customer
SELECT 'CREATE ROLE vh_customer' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_customer') \gexec
ALTER ROLE vh_customer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_customer';
ALTER ROLE vh_customer SET search_path = vh_customer;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_customer;
CREATE SCHEMA IF NOT EXISTS vh_customer AUTHORIZATION vh_customer;
REVOKE ALL ON SCHEMA vh_customer FROM PUBLIC;

-- payment
SELECT 'CREATE ROLE vh_payment' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_payment') \gexec
ALTER ROLE vh_payment LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_payment';
ALTER ROLE vh_payment SET search_path = vh_payment;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_payment;
CREATE SCHEMA IF NOT EXISTS vh_payment AUTHORIZATION vh_payment;
REVOKE ALL ON SCHEMA vh_payment FROM PUBLIC;

-- order
SELECT 'CREATE ROLE vh_order' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_order') \gexec
ALTER ROLE vh_order LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_order';
ALTER ROLE vh_order SET search_path = vh_order;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_order;
CREATE SCHEMA IF NOT EXISTS vh_order AUTHORIZATION vh_order;
REVOKE ALL ON SCHEMA vh_order FROM PUBLIC;

-- kitchen
SELECT 'CREATE ROLE vh_kitchen' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_kitchen') \gexec
ALTER ROLE vh_kitchen LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_kitchen';
ALTER ROLE vh_kitchen SET search_path = vh_kitchen;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_kitchen;
CREATE SCHEMA IF NOT EXISTS vh_kitchen AUTHORIZATION vh_kitchen;
REVOKE ALL ON SCHEMA vh_kitchen FROM PUBLIC;

-- notification
SELECT 'CREATE ROLE vh_notification' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_notification') \gexec
ALTER ROLE vh_notification LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_notification';
ALTER ROLE vh_notification SET search_path = vh_notification;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_notification;
CREATE SCHEMA IF NOT EXISTS vh_notification AUTHORIZATION vh_notification;
REVOKE ALL ON SCHEMA vh_notification FROM PUBLIC;

-- analytics
SELECT 'CREATE ROLE vh_analytics' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_analytics') \gexec
ALTER ROLE vh_analytics LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_analytics';
ALTER ROLE vh_analytics SET search_path = vh_analytics;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_analytics;
CREATE SCHEMA IF NOT EXISTS vh_analytics AUTHORIZATION vh_analytics;
REVOKE ALL ON SCHEMA vh_analytics FROM PUBLIC;

-- integration
SELECT 'CREATE ROLE vh_integration' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vh_integration') \gexec
ALTER ROLE vh_integration LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw_integration';
ALTER ROLE vh_integration SET search_path = vh_integration;
GRANT CONNECT ON DATABASE :"DBNAME" TO vh_integration;
CREATE SCHEMA IF NOT EXISTS vh_integration AUTHORIZATION vh_integration;
REVOKE ALL ON SCHEMA vh_integration FROM PUBLIC;

\echo 'init-schemas: roles and schemas vh_location, vh_menu, vh_customer, vh_payment, vh_order, vh_kitchen, vh_notification, vh_analytics, vh_integration are ready in database' :"DBNAME"
